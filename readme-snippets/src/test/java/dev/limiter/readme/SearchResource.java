/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.annotation.RateLimit;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.util.List;

/** The resource of the README's first lines. */
@Path("/search")
public class SearchResource {

  /** A search result. */
  public record Hit(String title) {}

  private final SearchIndex index = new SearchIndex();

  // spotless:off
  // README: annotated resource method
  @GET
  @RateLimit(name = "search-burst", window = "1s", max = 2,   key = "apiKey")
  @RateLimit(name = "search",       window = "1m", max = 120, key = "apiKey")
  public List<Hit> search(@QueryParam("q") String q) { return index.search(q); }
  // README end
  // spotless:on

  static final class SearchIndex {
    List<Hit> search(String q) {
      return List.of(new Hit(q));
    }
  }
}
