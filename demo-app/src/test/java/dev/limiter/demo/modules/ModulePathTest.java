/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The published jars as modules: a JVM with limiter-api, both stores and both adapters (and what
 * they require) on its module path finds the store through {@code ServiceLoader}, decides, reads
 * only exported packages, and runs a Hazelcast member that deserializes the store's processor.
 */
class ModulePathTest {

  /** Our modules (a jar, or target/classes when Maven resolves the reactor to classes). */
  private static final Pattern OURS =
      Pattern.compile(
          ".*[/\\\\](limiter-api|caffeine-store|hazelcast-store|servlet-filter|jaxrs-feature)"
              + "([/\\\\]target[/\\\\]classes|-[^/\\\\]*\\.jar)$");

  /** What they require: Caffeine, Hazelcast, JSpecify, the Servlet and JAX-RS APIs. */
  private static final Pattern REQUIRED =
      Pattern.compile(
          ".*[/\\\\](caffeine|hazelcast|jspecify|jakarta\\.servlet-api|jakarta\\.ws\\.rs-api)"
              + "-[0-9][^/\\\\]*\\.jar$");

  @Test
  void theJarsWorkAsNamedModules() throws Exception {
    String classPath = System.getProperty("surefire.test.class.path");
    if (classPath == null) {
      classPath = System.getProperty("java.class.path");
    }
    List<String> modulePath = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator, -1)) {
      if (OURS.matcher(entry).matches() || REQUIRED.matcher(entry).matches()) {
        modulePath.add(entry);
      }
    }
    assertThat(modulePath).hasSize(10);
    String probeClasses =
        Paths.get(ModulePathProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    // the build's flags for Hazelcast, opened to its automatic module instead of the class path
    for (String flag : System.getProperty("hazelcast.jvm.flags", "").split(" ", -1)) {
      if (!flag.isEmpty()) {
        command.add(flag.replace("ALL-UNNAMED", "com.hazelcast.core"));
      }
    }
    command.addAll(
        List.of(
            "-Dratelimit.store=caffeine",
            "-Dhazelcast.phone.home.enabled=false",
            "-Dhazelcast.logging.type=none",
            "--module-path",
            String.join(File.pathSeparator, modulePath),
            "--add-modules",
            "dev.limiter.caffeine,dev.limiter.hazelcast,dev.limiter.servlet,dev.limiter.jaxrs",
            "-cp",
            probeClasses,
            ModulePathProbe.class.getName(),
            Integer.toString(freePort())));
    // stdout is the probe's facts; stderr (the JVM's own warnings, which differ between JDKs) is
    // kept for the failure message
    Path stderr = Files.createTempFile("module-path-probe", ".err");
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()))
            .start();
    byte[] output;
    try {
      output = process.getInputStream().readAllBytes();
    } finally {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    String text =
        new String(output, StandardCharsets.UTF_8)
            + "\n(stderr)\n"
            + Files.readString(stderr, StandardCharsets.UTF_8);
    Files.delete(stderr);
    String facts = text.substring(0, text.indexOf("\n(stderr)\n"));

    assertThat(process.exitValue()).as(text).isZero();
    assertThat(facts.lines())
        .as(text)
        .containsExactly(
            "engine dev.limiter",
            "admitted 2 of 3",
            "dev.limiter.caffeine.CaffeineStore in dev.limiter.caffeine",
            "dev.limiter.hazelcast.HazelcastStore in dev.limiter.hazelcast",
            "dev.limiter.servlet.RateLimitFilter in dev.limiter.servlet",
            "dev.limiter.jaxrs.RateLimitFeature in dev.limiter.jaxrs",
            "dev.limiter.failover.FailoverStore in dev.limiter",
            "dev.limiter.algorithm is not exported",
            "hazelcast member decided true then false");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
