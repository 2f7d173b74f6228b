/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.annotation.RateLimit;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The README's Spring controller, with the types it returns. */
final class SpringControllers {

  private SpringControllers() {}

  /** A search result. */
  record Hit(String title) {}

  /** An order. */
  record Order(String id) {}

  static final class SearchIndex {
    List<Hit> search(String q) {
      return List.of(new Hit(q));
    }
  }

  static final class Orders {
    List<Order> of(String userId) {
      return List.of(new Order(userId));
    }
  }

  // spotless:off
  // README: spring controller
  @RestController
  @RequestMapping("/api")
  @RateLimit(name = "api", window = "1m", max = 600, key = "apiKey")          // every method of the class
  public class SearchController {
    @GetMapping("/search")
    @RateLimit(name = "search-burst", window = "1s", max = 2, key = "apiKey")  // and this method's own
    public List<Hit> search(@RequestParam String q) { return index.search(q); }

    @GetMapping("/users/{userId}/orders")
    @RateLimit(name = "orders", window = "1m", max = 30, key = "path:userId")
    public List<Order> orders(@PathVariable("userId") String userId) { return orders.of(userId); }
  }
  // README end
  // spotless:on

  private final SearchIndex index = new SearchIndex();
  private final Orders orders = new Orders();
}
