/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A parsed key expression: terms joined by {@code +}, each a list of alternatives joined by {@code
 * |}, each alternative one key part.
 *
 * <p>The resolved key is the terms' values joined by {@code +}, with {@code \}, {@code +} and
 * {@code =} in values escaped by {@code \}; a value taken from an alternative other than a term's
 * first is written {@code part=value}, so that a header can never pose as another part's key. No
 * resolved key starts with an unescaped {@code =}, which leaves that prefix to the engine's digests
 * of long keys.
 */
final class KeyExpression {

  private static final String PARTS =
      "ip, apiKey, bearer, principal, global, header:NAME, query:NAME or path:NAME";

  enum Kind {
    IP,
    API_KEY,
    BEARER,
    PRINCIPAL,
    GLOBAL,
    HEADER,
    QUERY,
    PATH
  }

  record Part(Kind kind, String argument, String text) {}

  private final String text;
  private final Part[][] terms;

  private KeyExpression(String text, Part[][] terms) {
    this.text = text;
    this.terms = terms;
  }

  /**
   * Parses an expression.
   *
   * @throws IllegalArgumentException naming the part that is not understood
   */
  static KeyExpression parse(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("key must not be empty; use " + PARTS);
    }
    String[] termTexts = text.split("\\+", -1);
    Part[][] terms = new Part[termTexts.length][];
    for (int t = 0; t < termTexts.length; t++) {
      String[] alternatives = termTexts[t].split("\\|", -1);
      terms[t] = new Part[alternatives.length];
      for (int a = 0; a < alternatives.length; a++) {
        terms[t][a] = part(text, alternatives[a].strip());
      }
    }
    return new KeyExpression(text, terms);
  }

  private static Part part(String expression, String part) {
    Kind simple =
        switch (part) {
          case "ip" -> Kind.IP;
          case "apiKey" -> Kind.API_KEY;
          case "bearer" -> Kind.BEARER;
          case "principal" -> Kind.PRINCIPAL;
          case "global" -> Kind.GLOBAL;
          default -> null;
        };
    if (simple != null) {
      return new Part(simple, "", part);
    }
    int colon = part.indexOf(':');
    if (colon > 0 && colon < part.length() - 1) {
      String argument = part.substring(colon + 1).strip();
      Kind kind =
          switch (part.substring(0, colon).strip()) {
            case "header" -> Kind.HEADER;
            case "query" -> Kind.QUERY;
            case "path" -> Kind.PATH;
            default -> null;
          };
      if (kind != null && !argument.isEmpty()) {
        return new Part(kind, argument, part);
      }
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "unknown key part \"%s\" in \"%s\"; use %s, combined with + (all of) or | (first"
                + " present)",
            part,
            expression,
            PARTS));
  }

  /**
   * Resolves the key for a request.
   *
   * @return the key, or null when a term has no alternative present
   */
  @Nullable String resolve(RequestView request, String apiKeyHeader, ClientAddress clientAddress) {
    StringBuilder key = null;
    for (Part[] term : terms) {
      String value = null;
      int chosen = 0;
      for (; chosen < term.length; chosen++) {
        String candidate = value(term[chosen], request, apiKeyHeader, clientAddress);
        if (candidate != null && !candidate.isEmpty()) {
          value = candidate;
          break;
        }
      }
      if (value == null) {
        return null;
      }
      if (terms.length == 1 && chosen == 0 && plain(value)) {
        return value;
      }
      if (key == null) {
        key = new StringBuilder(value.length() + 16);
      } else {
        key.append('+');
      }
      if (chosen > 0) {
        key.append(term[chosen].text()).append('=');
      }
      appendEscaped(key, value);
    }
    return Objects.requireNonNull(key, "a key expression has at least one term").toString();
  }

  /** Describes the term that did not resolve, for the 4xx answer; null if every term resolves. */
  @Nullable MissingKey missing(
      String policy, RequestView request, String apiKeyHeader, ClientAddress clientAddress) {
    for (Part[] term : terms) {
      boolean present = false;
      boolean credentials = false;
      List<String> wanted = new ArrayList<>(term.length);
      for (Part part : term) {
        String value = value(part, request, apiKeyHeader, clientAddress);
        if (value != null && !value.isEmpty()) {
          present = true;
          break;
        }
        credentials |=
            part.kind() == Kind.API_KEY
                || part.kind() == Kind.BEARER
                || part.kind() == Kind.PRINCIPAL;
        wanted.add(describe(part, apiKeyHeader));
      }
      if (!present) {
        return new MissingKey(policy, String.join(" or ", wanted), credentials);
      }
    }
    return null;
  }

  private static @Nullable String value(
      Part part, RequestView request, String apiKeyHeader, ClientAddress clientAddress) {
    return switch (part.kind()) {
      case IP -> clientAddress.resolve(request);
      case API_KEY -> request.header(apiKeyHeader);
      case BEARER -> bearer(request.header("Authorization"));
      case PRINCIPAL -> request.principal();
      case GLOBAL -> "global";
      case HEADER -> request.header(part.argument());
      case QUERY -> request.queryParameter(part.argument());
      case PATH -> request.pathParameter(part.argument());
    };
  }

  private static String describe(Part part, String apiKeyHeader) {
    return switch (part.kind()) {
      case IP -> "the client address";
      case API_KEY -> "an API key in header " + apiKeyHeader;
      case BEARER -> "a bearer token in header Authorization";
      case PRINCIPAL -> "an authenticated user";
      case GLOBAL -> "nothing";
      case HEADER -> "header " + part.argument();
      case QUERY -> "query parameter " + part.argument();
      case PATH -> "path parameter " + part.argument();
    };
  }

  /**
   * Returns the SHA-256 digest, in URL-safe Base64, of the token of an {@code Authorization: Bearer
   * <token>} field (the scheme is case-insensitive), or null when the field carries none; the raw
   * token never reaches a store.
   */
  static @Nullable String bearer(@Nullable String authorization) {
    if (authorization == null || authorization.length() < 8) {
      return null;
    }
    if (!authorization.regionMatches(true, 0, "Bearer", 0, 6)
        || (authorization.charAt(6) != ' ' && authorization.charAt(6) != '\t')) {
      return null;
    }
    String token = authorization.substring(7).strip();
    return token.isEmpty() ? null : RateLimiter.sha256(token);
  }

  private static boolean plain(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == '+' || c == '=') {
        return false;
      }
    }
    return true;
  }

  private static void appendEscaped(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == '+' || c == '=') {
        out.append('\\');
      }
      out.append(c);
    }
  }

  /** Returns the names that its {@code path:} parts read, in order, each once. */
  java.util.Set<String> pathParameters() {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (Part[] term : terms) {
      for (Part part : term) {
        if (part.kind() == Kind.PATH) {
          names.add(part.argument());
        }
      }
    }
    return java.util.Collections.unmodifiableSet(names);
  }

  /**
   * Returns the expression as parsed, without the white space around its parts: two expressions
   * with the same canonical form resolve every request to the same key.
   */
  String canonical() {
    StringBuilder out = new StringBuilder(text.length());
    for (Part[] term : terms) {
      if (out.length() > 0) {
        out.append('+');
      }
      for (int a = 0; a < term.length; a++) {
        out.append(a > 0 ? "|" : "").append(term[a].text());
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
