/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The real demo server, started in-process with {@link DemoServer#start} on 127.0.0.1 and an
 * ephemeral port, deciding on a {@link ManualClock} and on a configuration isolated from the
 * environment and system properties of the build.
 */
final class TestDemo implements AutoCloseable {

  /** Noon, so that a test can advance to the next midnight UTC without crossing another. */
  static final Instant START = Instant.parse("2026-03-10T12:00:00Z");

  private final ManualClock clock;
  private final DemoServer server;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private TestDemo(ManualClock clock, DemoServer server) {
    this.clock = clock;
    this.server = server;
  }

  /**
   * Starts the demo as the command line {@code --port 0 args...} would, with no configuration
   * overrides.
   */
  static TestDemo start(String... args) throws Exception {
    return start(Map.of(), Map.of(), args);
  }

  /**
   * Starts the demo as the command line {@code --port 0 args...} would.
   *
   * @param systemProperties the system properties the configuration sees, instead of the JVM's
   * @param environment the environment variables the configuration sees, instead of the process's
   * @param args more command-line arguments
   */
  static TestDemo start(
      Map<String, String> systemProperties, Map<String, String> environment, String... args)
      throws Exception {
    return start(ManualClock.at(START), systemProperties, environment, args);
  }

  /** Starts the demo on {@code clock}, which several demos in one test may share. */
  static TestDemo start(ManualClock clock, String... args) throws Exception {
    return start(clock, Map.of(), Map.of(), args);
  }

  private static TestDemo start(
      ManualClock clock,
      Map<String, String> systemProperties,
      Map<String, String> environment,
      String... args)
      throws Exception {
    List<String> line = new ArrayList<>(List.of("--port", "0"));
    line.addAll(List.of(args));
    DemoOptions options = DemoOptions.parse(line);
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(environment)
            .systemProperties(systemProperties)
            .build();
    return new TestDemo(clock, DemoServer.start(options, clock, config));
  }

  ManualClock clock() {
    return clock;
  }

  int port() {
    return server.port();
  }

  DemoServer server() {
    return server;
  }

  /**
   * Advances the clock to the next multiple of {@code unit} since the epoch (not at all if it is on
   * one), so that every sub-window of the windows a test uses starts there.
   */
  void alignTo(Duration unit) {
    long now = clock.epochNanos();
    long step = unit.toNanos();
    clock.advanceNanos(Math.floorMod(-now, step));
  }

  /** Returns the clock's time in whole Unix epoch seconds, rounded down. */
  long nowSeconds() {
    return clock.instant().getEpochSecond();
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    return send("GET", pathAndQuery, headers);
  }

  HttpResponse<String> post(String pathAndQuery, String... headers) throws Exception {
    return send("POST", pathAndQuery, headers);
  }

  /** Sends a request; {@code headers} alternate names and values. */
  HttpResponse<String> send(String method, String pathAndQuery, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends raw bytes, see {@link RawHttp#exchange(int, String)}. */
  RawHttp.Reply raw(String head) throws Exception {
    return RawHttp.exchange(port(), head);
  }

  /**
   * Returns the rate-limit fields of a response (every field the limiter may set), by lower-cased
   * name.
   */
  static Map<String, String> limiterFields(HttpResponse<?> response) {
    Map<String, String> fields = new TreeMap<>();
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (isLimiterField(lower)) {
                fields.put(lower, String.join(", ", values));
              }
            });
    return fields;
  }

  /**
   * Returns the fields the limiter sets, as {@code Name: value} in wire order. (Where a container
   * puts {@code Content-Type} among them is its own business: Jersey writes it before a response
   * filter runs, the servlet after the filter.)
   */
  static List<String> limiterFieldLines(RawHttp.Reply reply) {
    return reply.fields().stream()
        .filter(f -> isLimiterField(f.getKey().toLowerCase(Locale.ROOT)))
        .map(f -> f.getKey() + ": " + f.getValue())
        .toList();
  }

  /** Whether a lower-cased field name is one the limiter sets. */
  static boolean isLimiterField(String lower) {
    return lower.startsWith("x-ratelimit")
        || lower.startsWith("ratelimit")
        || lower.equals("retry-after")
        || lower.equals("access-control-expose-headers");
  }

  /** Returns one field's only value, failing when it is absent or repeated. */
  static String field(HttpResponse<?> response, String name) {
    List<String> values = response.headers().allValues(name);
    if (values.size() != 1) {
      throw new AssertionError(
          "expected one " + name + " field, got " + values + " in " + response.headers().map());
    }
    return values.get(0);
  }

  /** Returns one field's only value as a number. */
  static long number(HttpResponse<?> response, String name) {
    return Long.parseLong(field(response, name));
  }

  /** Returns the problem+json body of a 429, byte for byte as the demo sends it. */
  static String rateLimitedBody(String policy, long limit, long retryAfter, String... violated) {
    return "{\"type\":\"https://limiter.dev/problems/rate-limited\",\"title\":\"Too Many"
        + " Requests\",\"status\":429,\"detail\":\"Rate limit '"
        + policy
        + "' exceeded; retry in "
        + retryAfter
        + (retryAfter == 1 ? " second." : " seconds.")
        + "\",\"policy\":\""
        + policy
        + "\",\"limit\":"
        + limit
        + ",\"retry_after\":"
        + retryAfter
        + ",\"violated_policies\":["
        + Arrays.stream(violated).map(v -> "\"" + v + "\"").collect(Collectors.joining(","))
        + "]}";
  }

  @Override
  public void close() {
    server.close();
  }
}
