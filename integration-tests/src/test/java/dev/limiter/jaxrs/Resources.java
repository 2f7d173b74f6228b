/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import dev.limiter.annotation.RateLimit;
import jakarta.annotation.Priority;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/** The resources the integration tests call. */
final class Resources {

  private Resources() {}

  /** Methods with and without limits. */
  @Path("/")
  public static class Api {

    @GET
    @Path("plain")
    public String plain() {
      return "plain";
    }

    @GET
    @Path("hello")
    @RateLimit(name = "hello", window = "1m", max = 3, key = "apiKey")
    public String hello() {
      return "hello";
    }

    @GET
    @Path("search")
    @RateLimit(name = "search-burst", window = "1s", max = 2, key = "apiKey")
    @RateLimit(name = "search", window = "1m", max = 5, key = "apiKey")
    public String search(@QueryParam("q") String q) {
      return "results";
    }

    @POST
    @Path("reports")
    @RateLimit(name = "credits", window = "1h", max = 20, cost = 5, key = "apiKey")
    public String report() {
      return "report";
    }

    @GET
    @Path("items/{id}")
    @RateLimit(name = "item", window = "1m", max = 2, key = "path:id")
    public String item(@PathParam("id") String id) {
      return "item";
    }

    @GET
    @Path("lookup")
    @RateLimit(name = "lookup", window = "1m", max = 2, key = "query:q")
    public String lookup() {
      return "lookup";
    }

    @GET
    @Path("me")
    @RateLimit(name = "me", window = "1m", max = 2, key = "principal")
    public String me() {
      return "me";
    }

    @GET
    @Path("by-ip")
    @RateLimit(name = "by-ip", window = "1m", max = 1000, key = "ip")
    public String byIp() {
      return "ip";
    }

    /** Answers as an application with its own CORS fields would, and a stale rate-limit one. */
    @GET
    @Path("cors")
    @RateLimit(name = "cors", window = "1m", max = 3, key = "apiKey")
    public Response cors() {
      return Response.ok("cors")
          .header("Access-Control-Expose-Headers", "X-Trace-Id")
          .header("X-RateLimit-Limit", "999")
          .build();
    }

    @GET
    @Path("shared-a")
    @RateLimit(name = "shared", window = "1m", max = 3, key = "apiKey")
    public String sharedA() {
      return "a";
    }

    @GET
    @Path("shared-b")
    @RateLimit(name = "shared", window = "1m", max = 3, key = "apiKey")
    public String sharedB() {
      return "b";
    }
  }

  /** A class-level limit on every method, and a method with its own limit too. */
  @Path("/account")
  @RateLimit(name = "account", window = "1m", max = 4, key = "apiKey")
  public static class Account {

    @GET
    @Path("a")
    @RateLimit(name = "account-a", window = "1m", max = 2, key = "apiKey")
    public String a() {
      return "a";
    }

    @GET
    @Path("b")
    public String b() {
      return "b";
    }
  }

  /** Jakarta REST annotations on an interface, the limit on the implementing class's method. */
  @Path("/contract")
  public interface Contract {
    @GET
    String get();
  }

  /** Implements {@link Contract} and limits it. */
  public static class ContractResource implements Contract {
    @Override
    @RateLimit(name = "contract", window = "1m", max = 1, key = "apiKey")
    public String get() {
      return "contract";
    }
  }

  /** Authenticates requests that carry {@code X-User}, as an application's login filter would. */
  @Priority(Priorities.AUTHENTICATION)
  public static class TestAuthentication implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
      String user = request.getHeaderString("X-User");
      if (user == null) {
        return;
      }
      Principal principal = () -> user;
      boolean secure = request.getSecurityContext().isSecure();
      request.setSecurityContext(
          new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
              return principal;
            }

            @Override
            public boolean isUserInRole(String role) {
              return false;
            }

            @Override
            public boolean isSecure() {
              return secure;
            }

            @Override
            public String getAuthenticationScheme() {
              return "TEST";
            }
          });
    }
  }

  /** A resource whose limit names an unknown time unit. */
  @Path("/broken")
  public static class Broken {
    @GET
    @RateLimit(name = "broken", window = "60x", max = 5, key = "apiKey")
    public String broken() {
      return "never";
    }
  }

  /** A limit on a path parameter that the method's template does not have: {@code {id}}, not ID. */
  @Path("/wrong-path")
  public static class WrongPathParameter {
    @GET
    @Path("items/{id}")
    @RateLimit(name = "wrong-path", window = "1m", max = 5, key = "apiKey+path:ID")
    public String item(@jakarta.ws.rs.PathParam("id") String id) {
      return "never";
    }
  }

  /** Path parameters from the class's template, the method's, and a regular expression's name. */
  @Path("/tenants/{tenant}")
  public static class ClassAndMethodPathParameters {
    @GET
    @Path("items/{item: [0-9]+}")
    @RateLimit(name = "tenant-item", window = "1m", max = 5, key = "path:tenant+path:item")
    public String item() {
      return "item";
    }
  }
}
