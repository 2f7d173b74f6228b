/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.Decision;
import dev.limiter.LimitKind;
import dev.limiter.LimitStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The text a contract renders once per limit and keeps is the text it would render anew: for many
 * limits that share the table's slots, limits that a resolver changes per key, and windows and
 * kinds that differ under one name; and the fields it hands over are an unmodifiable map in their
 * order.
 */
class RenderedFieldsTest {

  private static final long S = 1_000_000_000L;
  private static final long NOW = HttpContractTest.NOW;

  private static Decision allowed(LimitStatus... statuses) {
    return Decision.of(true, List.of(statuses), NOW);
  }

  /** The fields as the contract wrote them before it kept any text: rendered here from scratch. */
  private static Map<String, String> expected(LimitStatus reported, List<LimitStatus> limits) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("X-RateLimit-Limit", Long.toString(reported.limit()));
    fields.put("X-RateLimit-Remaining", Long.toString(reported.remaining()));
    Decision decision = Decision.of(true, limits, NOW);
    fields.put("X-RateLimit-Reset", Long.toString(Seconds.resetEpoch(decision)));
    fields.put("X-RateLimit-Policy", reported.policy());
    List<String> items = new ArrayList<>();
    for (LimitStatus status : limits) {
      items.add(
          "\""
              + status.policy()
              + "\";q="
              + status.limit()
              + (status.kind() == LimitKind.CONCURRENCY
                  ? ";qu=\"concurrent-requests\""
                  : ";w=" + Seconds.window(status)));
    }
    fields.put("RateLimit-Policy", String.join(", ", items));
    fields.put(
        "RateLimit",
        "\""
            + reported.policy()
            + "\";r="
            + reported.remaining()
            + ";t="
            + Seconds.resetDelta(decision));
    return fields;
  }

  @Test
  void manyLimitsOnOneContractEachGetTheirOwnText() {
    HttpContract contract = HttpContractTest.contract(HeaderDialect.BOTH);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 300; i++) {
        LimitStatus status = new LimitStatus("p" + i, 10 + i, (1 + i % 7) * S, i % 10, S, 0, true);
        RateLimitResponse response = contract.respond(allowed(status), false);

        assertThat(response.headers()).containsExactlyEntriesOf(expected(status, List.of(status)));
      }
    }
  }

  @Test
  void aLimitThatChangesPerKeyIsRenderedWithTheKeysLimit() {
    HttpContract contract = HttpContractTest.contract(HeaderDialect.BOTH);
    for (long limit : new long[] {5, 50, 5, 500, 50}) {
      LimitStatus status = new LimitStatus("tier", limit, 60 * S, 4, 12 * S, 0, true);

      assertThat(contract.respond(allowed(status), false).headers())
          .containsExactlyEntriesOf(expected(status, List.of(status)));
    }
  }

  @Test
  void oneNameWithAnotherWindowOrKindIsRenderedAnew() {
    HttpContract contract = HttpContractTest.contract(HeaderDialect.BOTH);
    LimitStatus minute = new LimitStatus("same", 9, 60 * S, 3, S, 0, true);
    LimitStatus hour = new LimitStatus("same", 9, 3600 * S, 3, S, 0, true);
    LimitStatus inFlight = new LimitStatus("same", 9, 60 * S, 3, 0, 0, true, LimitKind.CONCURRENCY);
    for (LimitStatus status : List.of(minute, hour, inFlight, minute)) {
      assertThat(contract.respond(allowed(status), false).headers())
          .containsExactlyEntriesOf(expected(status, List.of(status)));
    }
  }

  @Test
  void severalLimitsListEveryOneInOrder() {
    HttpContract contract = HttpContractTest.contract(HeaderDialect.BOTH);
    LimitStatus burst = new LimitStatus("search-burst", 2, S, 1, S, 0, true);
    LimitStatus search = new LimitStatus("search", 120, 60 * S, 119, 60 * S, 0, true);
    for (int i = 0; i < 2; i++) {
      assertThat(contract.respond(allowed(burst, search), false).headers())
          .containsExactlyEntriesOf(expected(burst, List.of(burst, search)));
    }
  }

  @Test
  void theFieldsAreAnUnmodifiableMapInTheirOrder() {
    HttpContract contract = HttpContractTest.contract(HeaderDialect.BOTH);
    LimitStatus status = new LimitStatus("hello", 5, 60 * S, 4, S, 0, true);
    Map<String, String> headers = contract.respond(allowed(status), true).headers();

    assertThat(headers.keySet())
        .containsExactly(
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "X-RateLimit-Policy",
            "RateLimit-Policy",
            "RateLimit",
            "Access-Control-Expose-Headers");
    assertThat(headers).isEqualTo(new LinkedHashMap<>(headers)).containsKey("RateLimit");
    assertThat(headers.get("X-RateLimit-Limit")).isEqualTo("5");
    assertThat(headers.get("Retry-After")).isNull();
    assertThatThrownBy(() -> headers.put("X-RateLimit-Limit", "6"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> headers.remove("X-RateLimit-Limit"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> headers.entrySet().iterator().next().setValue("6"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(headers::clear).isInstanceOf(UnsupportedOperationException.class);
  }
}
