/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.EndpointLimits;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The names and labels a Prometheus scrape shows, parsed from its text format. */
class PrometheusScrapeTest {

  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*})?) (\\S+)(?: \\d+)?");

  /** The samples of a scrape, by name and labels as rendered, and the types, by metric name. */
  record Scrape(Map<String, Double> samples, Map<String, String> types) {
    static Scrape parse(String text) {
      Map<String, Double> samples = new LinkedHashMap<>();
      Map<String, String> types = new LinkedHashMap<>();
      for (String line : text.lines().toList()) {
        if (line.startsWith("# TYPE ")) {
          String type = line.substring("# TYPE ".length());
          int space = type.indexOf(' ');
          types.put(type.substring(0, space), type.substring(space + 1));
        } else if (!line.isBlank() && !line.startsWith("#")) {
          Matcher sample = SAMPLE.matcher(line);
          assertThat(sample.matches()).as("a sample line: %s", line).isTrue();
          samples.put(sample.group(1), Double.parseDouble(sample.group(2)));
        }
      }
      return new Scrape(samples, types);
    }
  }

  @Test
  void theMetersHaveTheDocumentedPrometheusNames() {
    ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RateLimitMetrics metrics = RateLimitMetrics.of(registry);
    try (CaffeineStore caffeine = CaffeineStore.builder().clock(clock).build()) {
      metrics.keysHeld("local", caffeine::estimatedSize);
      RateLimitStore store =
          FailoverStore.builder(metrics.timed(caffeine, "local"))
              .mode(FailureMode.FAIL_OPEN)
              .clock(clock)
              .name("local")
              .listener(metrics)
              .build();
      try (RateLimiter limiter =
          RateLimiter.builder().store(store).clock(clock).listener(metrics).build()) {
        EndpointLimits limits =
            limiter.limits(List.of(RateLimitPolicy.of("hello", "1m", 3, "apiKey")));
        for (int i = 0; i < 5; i++) {
          limiter.acquire(limits, "k");
        }
        limiter.admit(limits, new RateLimitMetricsTest.Request("j")).refund();
        metrics.storeFailed("local", new StoreException("test", null));
      }
      caffeine.cleanUp();

      String text = registry.scrape();
      Scrape scrape = Scrape.parse(text);

      assertThat(scrape.samples())
          .containsEntry("ratelimit_decisions_total{outcome=\"rejected\",policy=\"hello\"}", 2.0)
          .containsEntry("ratelimit_decisions_total{outcome=\"allowed\",policy=\"hello\"}", 4.0)
          .containsEntry("ratelimit_decisions_total{outcome=\"missing_key\",policy=\"hello\"}", 0.0)
          .containsEntry("ratelimit_refunds_total{policy=\"hello\",returned=\"true\"}", 1.0)
          .containsEntry("ratelimit_charges_total{policy=\"hello\"}", 0.0)
          .containsEntry("ratelimit_charged_units_total{policy=\"hello\"}", 0.0)
          .containsEntry("ratelimit_store_failures_total{store=\"local\"}", 1.0)
          .containsEntry("ratelimit_store_fallbacks_total{mode=\"fail_open\",store=\"local\"}", 0.0)
          .containsEntry("ratelimit_circuit_open{store=\"local\"}", 0.0)
          .containsEntry("ratelimit_keys{store=\"local\"}", 2.0)
          .containsEntry(
              "ratelimit_store_latency_seconds_count{outcome=\"success\",store=\"local\"}", 7.0)
          .containsKey("ratelimit_store_latency_seconds_sum{outcome=\"success\",store=\"local\"}");
      assertThat(scrape.types())
          .containsEntry("ratelimit_decisions_total", "counter")
          .containsEntry("ratelimit_circuit_open", "gauge")
          .containsEntry("ratelimit_keys", "gauge")
          .containsEntry("ratelimit_store_latency_seconds", "summary");
      assertThat(scrape.samples().keySet())
          .allSatisfy(name -> assertThat(name).doesNotContain("\"k\"", "\"j\"")); // never a key
    }
  }
}
