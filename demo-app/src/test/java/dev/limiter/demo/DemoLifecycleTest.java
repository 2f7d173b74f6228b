/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
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
 * The demo on Hazelcast as an operator runs it, in child JVMs on loopback: it leaves the cluster
 * gracefully on SIGTERM (its peers see a member leave, not one suspected dead), it exits with a
 * non-zero status rather than linger as a member when it cannot start, and beside a peer stopped
 * with SIGSTOP it either serves or exits, in every failure mode. Every child is bounded by timeouts
 * and ended by its handle.
 */
class DemoLifecycleTest {

  private static final Pattern STARTED =
      Pattern.compile(
          "limiter demo on http://127\\.0\\.0\\.1:(\\d+) \\(headers (\\w+), store (\\w+)\\);.*");

  @TempDir Path dir;

  private final List<Process> children = new ArrayList<>();

  /** A child demo; its standard error goes to {@code name}.err in the test's directory. */
  private Process launch(String name, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (flag.startsWith("--add-")) {
        command.add(flag); // the module access Hazelcast wants, as the jar's manifest grants it
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DemoServer.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(dir.resolve(name + ".err").toFile());
    builder.environment().keySet().removeIf(variable -> variable.startsWith("RATELIMIT_"));
    Process process = builder.start();
    children.add(process);
    return process;
  }

  private String stderr(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".err"), StandardCharsets.UTF_8);
  }

  /**
   * Waits for the line saying where the demo serves; empty if the child ends first or never says.
   */
  private static String startedLine(Process process, Duration within) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                String read = out.readLine();
                return read == null ? "" : read;
              } catch (IOException e) {
                return "";
              }
            });
    try {
      return line.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return "";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void signal(Process process, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  private void endAll() throws Exception {
    for (Process child : children) {
      signal(child, "CONT");
      child.destroy();
      if (!child.waitFor(20, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static HttpResponse<String> hello(int port) throws Exception {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/hello"))
                .header("X-API-Key", "lifecycle")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String[] member(int http, int hazelcast, String members, String mode) {
    return new String[] {
      "--port",
      Integer.toString(http),
      "--store",
      "hazelcast",
      "--hazelcast-port",
      Integer.toString(hazelcast),
      "--hazelcast-members",
      members,
      "--on-store-failure",
      mode
    };
  }

  @Test
  void onSigtermTheDemoLeavesTheClusterGracefully() throws Exception {
    try {
      int a = freePort();
      int b = freePort();
      String members = "127.0.0.1:" + a + ",127.0.0.1:" + b;
      Process peer = launch("peer", member(0, a, members, "local"));
      assertThat(startedLine(peer, Duration.ofSeconds(60)))
          .as("peer: %s", stderr("peer"))
          .matches(STARTED);
      Process leaving = launch("leaving", member(0, b, members, "local"));
      Matcher started = STARTED.matcher(startedLine(leaving, Duration.ofSeconds(60)));
      assertThat(started.matches()).as("leaving: %s", stderr("leaving")).isTrue();
      assertThat(hello(Integer.parseInt(started.group(1))).statusCode()).isEqualTo(200);

      leaving.destroy(); // SIGTERM
      assertThat(leaving.waitFor(60, TimeUnit.SECONDS)).as("the member exits").isTrue();
      Thread.sleep(1_000); // the peer's log of the departure
      String peerLog = stderr("peer");
      assertThat(peerLog)
          .as("the peer handled the member's shutdown request: it handed its partitions over")
          .contains("Shutdown request of Member [127.0.0.1]:" + b)
          .contains("Removing Member [127.0.0.1]:" + b);
      assertThat(peerLog).as("and never suspected it dead").doesNotContain("suspected");
    } finally {
      endAll();
    }
  }

  @Test
  void whenTheHttpPortIsTakenTheDemoExitsNonZeroAndLeavesNoMember() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int hazelcast = freePort();
      Process demo =
          launch(
              "taken", member(taken.getLocalPort(), hazelcast, "127.0.0.1:" + hazelcast, "closed"));
      assertThat(demo.waitFor(90, TimeUnit.SECONDS))
          .as("the demo exits: %s", stderr("taken"))
          .isTrue();
      assertThat(demo.exitValue()).isEqualTo(1);
      assertThat(stderr("taken")).contains("limiter demo cannot start");
    } finally {
      endAll();
    }
  }

  /**
   * A peer stopped with SIGSTOP, and a demo starting beside it in each failure mode: each either
   * serves (and answers its first request within the time budget's bounds) or exits non-zero; none
   * keeps running without serving.
   */
  @Test
  void besideAStoppedPeerTheDemoServesOrExitsInEveryMode() throws Exception {
    try {
      int a = freePort();
      Process peer = launch("stopped", member(0, a, "127.0.0.1:" + a, "local"));
      assertThat(startedLine(peer, Duration.ofSeconds(60)))
          .as("peer: %s", stderr("stopped"))
          .matches(STARTED);
      signal(peer, "STOP");
      List<Process> starting = new ArrayList<>();
      List<String> modes = List.of("open", "closed", "local");
      for (String mode : modes) {
        int own = freePort();
        starting.add(launch(mode, member(0, own, "127.0.0.1:" + a + ",127.0.0.1:" + own, mode)));
      }
      for (int i = 0; i < modes.size(); i++) {
        Process demo = starting.get(i);
        String mode = modes.get(i);
        Matcher started = STARTED.matcher(startedLine(demo, Duration.ofMinutes(2)));
        String outcome;
        if (started.matches()) {
          long start = System.nanoTime();
          int status = hello(Integer.parseInt(started.group(1))).statusCode();
          assertThat(status).as("%s serves", mode).isIn(200, 503);
          assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
          outcome = "served, first answer " + status;
        } else {
          assertThat(demo.waitFor(30, TimeUnit.SECONDS))
              .as("%s neither served nor exited: %s", mode, stderr(mode))
              .isTrue();
          assertThat(demo.exitValue()).as("%s exit status", mode).isNotZero();
          outcome = "exited " + demo.exitValue();
        }
        dev.limiter.testing.CampaignReport.of("demo-startup")
            .with("peer", "SIGSTOP")
            .with("mode", mode)
            .with("outcome", outcome.replace(' ', '_'))
            .write();
      }
    } finally {
      endAll();
    }
  }
}
