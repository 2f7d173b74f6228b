/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DemoServer#main} as {@code java -jar demo-app.jar ...} runs it, in a child JVM on the test
 * class path, since it exits the process on a wrong argument. Each child is bounded by timeouts and
 * ended by its own handle.
 */
class DemoMainTest {

  private static final Pattern STARTED =
      Pattern.compile(
          "limiter demo on http://127\\.0\\.0\\.1:(\\d+) \\(headers (\\w+), store (\\w+)\\);.*");

  @TempDir Path dir;

  private Process launch(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // a short-lived JVM: C1 alone starts Jetty and Jersey sooner
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DemoServer.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(dir.resolve("stderr").toFile());
    // the child reads overrides from its environment; the build's own must not change the limits
    builder.environment().keySet().removeIf(name -> name.startsWith("RATELIMIT_"));
    return builder.start();
  }

  private String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
  }

  private static void end(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWrongArgumentExitsWithStatus2AndTheMessageAndUsageOnStandardError() throws Exception {
    Process process = launch("--port", "80a");
    try {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the child exits").isTrue();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(process.exitValue()).isEqualTo(2);
      assertThat(out).isEmpty();
      // endsWith: a JVM may first say it picked up JAVA_TOOL_OPTIONS
      assertThat(stderr())
          .endsWith(
              "--port must be a number from 0 to 65535, was \"80a\"\n"
                  + DemoOptions.USAGE
                  + System.lineSeparator());
    } finally {
      end(process);
    }
  }

  @Test
  void theCommandLineStartsTheDemoAndSaysWhere() throws Exception {
    Process process = launch("--port", "0", "--headers", "x");
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
      assertThat(line).as("first line; standard error:%n%s", stderr()).matches(STARTED);
      Matcher started = STARTED.matcher(line);
      assertThat(started.matches()).isTrue();
      assertThat(started.group(2)).isEqualTo("x");
      assertThat(started.group(3)).isEqualTo("caffeine");

      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> hello =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + started.group(1) + "/api/hello"))
                  .header("X-API-Key", "main-1")
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(hello.statusCode()).isEqualTo(200);
      assertThat(hello.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
      assertThat(hello.headers().firstValue("X-RateLimit-Remaining")).hasValue("4");
      assertThat(hello.headers().firstValue("RateLimit-Policy")).isEmpty();
    } finally {
      end(process);
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      String line = reader.readLine();
      return line == null ? "" : line;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
