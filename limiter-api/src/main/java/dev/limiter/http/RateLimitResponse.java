/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * What a web adapter does with one request after the limiter decided it: let it through with some
 * header fields, or answer it in place of the application.
 *
 * <p>An adapter copies this value onto its response and adds nothing of its own, which is how the
 * servlet filter and the JAX-RS feature emit the same bytes:
 *
 * <ul>
 *   <li>{@code proceed} true: pass the request on and write {@link #headers()} on the response the
 *       application produces with {@link #applyHeaders}. {@link #status()} is 200 and means
 *       nothing; {@link #contentType()} and {@link #body()} are null.
 *   <li>{@code proceed} false: do not call the application; answer with {@link #status()}, the
 *       fields of {@link #headers()} written with {@link #applyHeaders}, {@code Content-Type}
 *       {@link #contentType()} and {@link #body()} encoded as UTF-8.
 * </ul>
 *
 * <pre>{@code
 * response.applyHeaders(servletResponse::setHeader, servletResponse::addHeader);
 * }</pre>
 *
 * <p>Field names are RFC 9110 tokens and values visible ASCII, checked here, so no value can split
 * a header.
 *
 * @param proceed whether the request goes on to the application
 * @param status the status to answer with: 400 to 599 when {@code proceed} is false, else 200
 * @param headers the header fields, in the order to set them; unmodifiable
 * @param contentType the {@code Content-Type} of the answer; null when {@code proceed}
 * @param body the answer's body; null when {@code proceed}
 */
public record RateLimitResponse(
    boolean proceed,
    int status,
    Map<String, String> headers,
    @Nullable String contentType,
    @Nullable String body) {

  /** The one field whose value joins those already on the response. */
  private static final String EXPOSE = "Access-Control-Expose-Headers";

  /**
   * Validates the components and copies the fields, keeping their order.
   *
   * @throws IllegalArgumentException if a field name is not a token, a value is not visible ASCII
   *     (a CR, LF or other control character among them), two names differ only in case, or the
   *     status, content type and body do not fit {@code proceed} as described above
   * @param proceed whether the request goes on to the application
   * @param status the status to answer with: 400 to 599 when {@code proceed} is false, else 200
   * @param headers the header fields, in the order to set them; unmodifiable
   * @param contentType the {@code Content-Type} of the answer; null when {@code proceed}
   * @param body the answer's body; null when {@code proceed}
   */
  public RateLimitResponse {
    Objects.requireNonNull(headers, "headers");
    headers = headers instanceof CheckedFields checked ? checked.view() : checkedCopy(headers);
    if (proceed) {
      if (status != 200 || contentType != null || body != null) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "a response that proceeds has status 200 and no content type or body,"
                    + " was %d, %s, %s",
                status,
                contentType == null ? "null" : HttpText.json(contentType),
                body == null ? "null" : "a body"));
      }
    } else {
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
      new Rejection(status, contentType, body); // an answer follows the rules of a Rejection
    }
  }

  /**
   * Writes {@link #headers()} onto an adapter's response, in their order: each field is either set,
   * replacing any value the response already has under that name, or added beside those values.
   *
   * <p>{@code Access-Control-Expose-Headers} is added, so that the names another filter (a CORS
   * filter, say) exposes are kept; every other field is set, so that a value written earlier cannot
   * contradict the limiter's. This is the one place that rule is written: adapters pass their
   * response's two operations and add nothing of their own.
   *
   * @param set replaces the field's values with this one, such as {@code
   *     HttpServletResponse::setHeader}
   * @param add adds this value to the field's, such as {@code HttpServletResponse::addHeader}
   */
  public void applyHeaders(BiConsumer<String, String> set, BiConsumer<String, String> add) {
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(add, "add");
    if (headers instanceof CheckedFields fields) {
      for (int i = 0; i < fields.size; i++) {
        String name = fields.names[i];
        (name.equalsIgnoreCase(EXPOSE) ? add : set).accept(name, fields.values[i]);
      }
      return;
    }
    for (Map.Entry<String, String> field : headers.entrySet()) {
      String name = field.getKey();
      if (name.equalsIgnoreCase(EXPOSE)) {
        add.accept(name, field.getValue());
      } else {
        set.accept(name, field.getValue());
      }
    }
  }

  /**
   * Header fields that {@link HttpContract} built and checked as it went: names from its own
   * constants, values of digits or checked when they hold a policy name. Taken as they are, without
   * a copy; nothing else can make one. Two arrays in the order the fields were added, unmodifiable
   * once handed to a response, so that the fields of a request cost two small arrays rather than a
   * hash table and an entry per field.
   */
  static final class CheckedFields extends AbstractMap<String, String> {
    private static final int MOST = 12; // more than the contract ever writes on one response

    private final String[] names = new String[MOST];
    private final String[] values = new String[MOST];
    private int size;

    CheckedFields() {}

    /** Adds a field whose name no earlier field has; only {@link HttpContract} calls this. */
    void add(String name, String value) {
      names[size] = name;
      values[size] = value;
      size++;
    }

    Map<String, String> view() {
      return this;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public @Nullable String get(@Nullable Object key) {
      for (int i = 0; i < size; i++) {
        if (names[i].equals(key)) {
          return values[i];
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      return get(key) != null;
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<String, String>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < size;
            }

            @Override
            public Map.Entry<String, String> next() {
              if (next >= size) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new AbstractMap.SimpleImmutableEntry<>(names[i], values[i]);
            }
          };
        }

        @Override
        public int size() {
          return size;
        }
      };
    }
  }

  private static Map<String, String> checkedCopy(Map<String, String> headers) {
    Map<String, String> copy = new LinkedHashMap<>(headers.size() * 2);
    for (Map.Entry<String, String> field : headers.entrySet()) {
      String name = Objects.requireNonNull(field.getKey(), "header name");
      HttpText.requireFieldName(name);
      String value = Objects.requireNonNull(field.getValue(), name);
      for (String earlier : copy.keySet()) {
        if (earlier.equalsIgnoreCase(name)) {
          throw new IllegalArgumentException(
              "headers "
                  + earlier
                  + " and "
                  + name
                  + " are one field; header names are case-insensitive");
        }
      }
      copy.put(name, HttpText.requireFieldValue(name, value));
    }
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Returns a response that lets the request through with {@code headers}.
   *
   * @param headers the fields to add to the application's response, in order
   * @return the response
   */
  static RateLimitResponse allow(Map<String, String> headers) {
    return new RateLimitResponse(true, 200, headers, null, null);
  }

  /**
   * Returns a response that answers the request with {@code rejection} and {@code headers}.
   *
   * @param rejection the status, content type and body
   * @param headers the fields, in order
   * @return the response
   */
  static RateLimitResponse refuse(Rejection rejection, Map<String, String> headers) {
    return new RateLimitResponse(
        false, rejection.status(), headers, rejection.contentType(), rejection.body());
  }
}
