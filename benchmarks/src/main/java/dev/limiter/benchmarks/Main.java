/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The benchmarks jar's entry point: JMH's own command line, with the JVM flags Hazelcast wants on
 * JDK 17+ put before every forked JVM's arguments. The flags come from the build (the root pom's
 * {@code hazelcast.jvm.flags}, filtered into a resource), where the tests take them too.
 */
public final class Main {

  private Main() {}

  /**
   * Runs JMH as {@code org.openjdk.jmh.Main} would, with the flags added.
   *
   * @param args JMH's command line
   * @throws IOException if the flags resource cannot be read
   * @throws RunnerException if JMH fails to run a benchmark
   */
  public static void main(String[] args) throws IOException, RunnerException {
    CommandLineOptions options;
    try {
      options = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("Error parsing command line: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (options.shouldHelp()
        || options.shouldList()
        || options.shouldListWithParams()
        || options.shouldListProfilers()
        || options.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    List<String> prepend = new ArrayList<>(hazelcastFlags());
    if (options.getJvmArgsPrepend().hasValue()) {
      prepend.addAll(options.getJvmArgsPrepend().get());
    }
    new Runner(
            new OptionsBuilder()
                .parent(options)
                .jvmArgsPrepend(prepend.toArray(new String[0]))
                .build())
        .run();
  }

  static List<String> hazelcastFlags() throws IOException {
    try (InputStream in = Main.class.getResourceAsStream("hazelcast-jvm.flags")) {
      if (in == null) {
        throw new IOException("hazelcast-jvm.flags is missing from the benchmarks jar; rebuild it");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (text.isEmpty() || text.contains("${")) {
        throw new IOException("hazelcast-jvm.flags was not filtered by the build: " + text);
      }
      return Arrays.asList(text.split("\\s+", -1));
    }
  }
}
