/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.limiter.http.HeaderDialect;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo's command line: its defaults and the messages for wrong arguments. */
class DemoOptionsTest {

  @Test
  void defaultsArePort8080OnLoopbackWithBothDialects() {
    DemoOptions options = DemoOptions.parse(List.of());

    assertThat(options).isEqualTo(DemoOptions.defaults());
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isEqualTo(8080);
    assertThat(options.headers()).isEqualTo(HeaderDialect.BOTH);
  }

  @Test
  void everyFlagSetsItsOption() {
    DemoOptions options =
        DemoOptions.parse(List.of("--port", "0", "--host", "0.0.0.0", "--headers", "draft6"));

    assertThat(options)
        .isEqualTo(
            new DemoOptions(
                "0.0.0.0",
                0,
                HeaderDialect.DRAFT6,
                "caffeine",
                5701,
                List.of(),
                dev.limiter.failover.FailureMode.LOCAL_FALLBACK));
    assertThat(DemoOptions.parse(List.of("--port", "65535")).port()).isEqualTo(65535);
  }

  @Test
  void theDialectIsParsedInAnyCase() {
    assertThat(DemoOptions.parse(List.of("--headers", "IETF")).headers())
        .isEqualTo(HeaderDialect.IETF);
    assertThat(DemoOptions.parse(List.of("--headers", "None")).headers())
        .isEqualTo(HeaderDialect.NONE);
  }

  @Test
  void aLaterFlagWins() {
    assertThat(DemoOptions.parse(List.of("--port", "1", "--port", "2")).port()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "-1", "65536", "", "8080.0", "99999999999"})
  void aBadPortIsNamedWithTheRuleAndTheUsage(String port) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoOptions.parse(List.of("--port", port)))
        .withMessage(
            "--port must be a number from 0 to 65535, was \"" + port + "\"\n" + DemoOptions.USAGE);
  }

  @Test
  void aBadDialectIsNamedWithTheAcceptedOnesAndTheUsage() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoOptions.parse(List.of("--headers", "json")))
        .withMessage(
            "--headers: header dialect \"json\" is not one of x, ietf, draft6, both or none"
                + " (case-insensitive)\n"
                + DemoOptions.USAGE);
  }

  @Test
  void anUnknownFlagIsNamedWithOrWithoutAValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoOptions.parse(List.of("--threads", "4")))
        .withMessage("unknown option --threads\n" + DemoOptions.USAGE);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoOptions.parse(List.of("--verbose")))
        .withMessage("unknown option --verbose\n" + DemoOptions.USAGE);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoOptions.parse(List.of("8080")))
        .withMessage("unknown option 8080\n" + DemoOptions.USAGE);
  }

  @Test
  void aFlagWithoutItsValueSaysSo() {
    for (String flag : new String[] {"--port", "--host", "--headers"}) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> DemoOptions.parse(List.of("--headers", "x", flag)))
          .withMessage(flag + " needs a value\n" + DemoOptions.USAGE);
    }
  }

  @Test
  void helpAnswersWithTheUsage() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoOptions.parse(List.of("--help")))
        .withMessage(DemoOptions.USAGE);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoOptions.parse(List.of("--port", "1", "-h")))
        .withMessage(DemoOptions.USAGE);
  }

  @Test
  void parsesTheClusterFlags() {
    DemoOptions options =
        DemoOptions.parse(
            List.of(
                "--store",
                "hazelcast",
                "--hazelcast-port",
                "5702",
                "--hazelcast-members",
                "127.0.0.1:5701, 127.0.0.1:5702",
                "--on-store-failure",
                "open"));
    assertThat(options.store()).isEqualTo("hazelcast");
    assertThat(options.hazelcastPort()).isEqualTo(5702);
    assertThat(options.hazelcastMembers()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
    assertThat(options.onStoreFailure()).isEqualTo(dev.limiter.failover.FailureMode.FAIL_OPEN);
    assertThat(DemoOptions.defaults().onStoreFailure())
        .isEqualTo(dev.limiter.failover.FailureMode.LOCAL_FALLBACK);
    assertThat(DemoOptions.defaults().hazelcastPort()).isEqualTo(5701);
    assertThat(DemoOptions.defaults().hazelcastMembers()).isEmpty();
  }

  @Test
  void rejectsBadClusterFlagsClearly() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoOptions.parse(List.of("--store", "redis")))
        .withMessage("--store must be caffeine or hazelcast, was \"redis\"\n" + DemoOptions.USAGE);
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                DemoOptions.parse(
                    List.of("--store", "hazelcast", "--hazelcast-members", "127.0.0.1")))
        .withMessageStartingWith("--hazelcast-members takes HOST:PORT,HOST:PORT")
        .withMessageContaining("\"127.0.0.1\" is not HOST:PORT");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> DemoOptions.parse(List.of("--store", "hazelcast", "--on-store-failure", "maybe")))
        .withMessageStartingWith("--on-store-failure: \"maybe\" is not a failure mode");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoOptions.parse(List.of("--hazelcast-port", "5702")))
        .withMessageStartingWith(
            "--hazelcast-port, --hazelcast-members and --on-store-failure need --store hazelcast");
  }
}
