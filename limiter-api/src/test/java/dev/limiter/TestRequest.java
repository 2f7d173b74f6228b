/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A request view built in tests. */
final class TestRequest implements RequestView {

  private final Map<String, List<String>> headers = new HashMap<>();
  private final Map<String, String> query = new HashMap<>();
  private final Map<String, String> path = new HashMap<>();
  private @Nullable String principal;
  private String remoteAddress = "192.0.2.1";

  static TestRequest from(String remoteAddress) {
    TestRequest request = new TestRequest();
    request.remoteAddress = remoteAddress;
    return request;
  }

  /** Adds a header line; several calls with one name make several lines. */
  TestRequest header(String name, String value) {
    headers
        .computeIfAbsent(name.toLowerCase(java.util.Locale.ROOT), n -> new ArrayList<>())
        .add(value);
    return this;
  }

  TestRequest query(String name, String value) {
    query.put(name, value);
    return this;
  }

  TestRequest path(String name, String value) {
    path.put(name, value);
    return this;
  }

  TestRequest principal(String name) {
    principal = name;
    return this;
  }

  @Override
  public @Nullable String header(String name) {
    List<String> values = headers(name);
    return values.isEmpty() ? null : values.get(0);
  }

  @Override
  public List<String> headers(String name) {
    return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
  }

  @Override
  public @Nullable String queryParameter(String name) {
    return query.get(name);
  }

  @Override
  public @Nullable String pathParameter(String name) {
    return path.get(name);
  }

  @Override
  public @Nullable String principal() {
    return principal;
  }

  @Override
  public String remoteAddress() {
    return remoteAddress;
  }
}
