/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import dev.limiter.EndpointLimits;
import dev.limiter.LimitResolver;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.IdempotencyKey;
import dev.limiter.annotation.RateLimit;
import dev.limiter.http.HttpContract;
import dev.limiter.jaxrs.internal.ServletAddressFilter;
import dev.limiter.jaxrs.internal.ServletContextFeature;
import dev.limiter.spi.RateLimitStore;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Enforces {@link RateLimit}, {@link ConcurrencyLimit} and {@link IdempotencyKey} on the resource
 * methods of a Jakarta REST application.
 *
 * <p>Register the class, and the feature finds its store on the class path and reads its
 * configuration from {@code ratelimit.properties}, the environment and system properties:
 *
 * <pre>{@code
 * public class ShopApplication extends ResourceConfig {      // or a jakarta.ws.rs.core.Application
 *   public ShopApplication() {
 *     register(SearchResource.class);
 *     register(RateLimitFeature.class);
 *   }
 * }
 * }</pre>
 *
 * <p>Or register an instance built with an explicit store or limiter and options:
 *
 * <pre>{@code
 * RateLimitStore store = CaffeineStore.builder().maximumSize(100_000).build();
 * register(RateLimitFeature.builder()
 *     .store(store)
 *     .limitResolver((policy, key) -> key.startsWith("gold-") ? policy.max() * 10 : policy.max())
 *     .build());
 * }</pre>
 *
 * <p>Or give it a limiter you build, share and close, and the HTTP contract to answer with, as
 * {@code new RateLimitFilter(limiter, contract)} takes them in the servlet filter:
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.builder().store(CaffeineStore.ofDefaults()).build();
 * register(new RateLimitFeature(limiter, HttpContract.from(limiter.config())));
 * }</pre>
 *
 * <p>At deployment the feature reads the limiter's annotations of each resource method and of its
 * class, once, and adds filters to the methods that have limits; other methods are left alone and
 * their responses carry no rate-limit header fields. An invalid annotation fails the deployment
 * with a message naming the class, the method and the attribute, and so does a {@code path:NAME}
 * key whose name the method's URI template does not bind (checked on root resources; a
 * sub-resource's locators are not known at deployment).
 *
 * <p>On each request to a limited method:
 *
 * <ul>
 *   <li>The request filter runs at priority {@link #PRIORITY}, after authentication and
 *       authorization filters, so that keys on {@code principal} see the {@link
 *       jakarta.ws.rs.core.SecurityContext} they set. {@code path:NAME} reads the matched path
 *       parameters, {@code query:NAME} the decoded query parameters, {@code header:NAME} and {@code
 *       apiKey} the request's header fields.
 *   <li>{@code ip} is the socket peer as the servlet container reports it ({@code
 *       HttpServletRequest.getRemoteAddr()}); Jakarta REST has no portable way to learn it, so
 *       outside a servlet container {@code ip} does not resolve and such requests are answered with
 *       a 400. Forwarded addresses count only from the proxies in {@code
 *       ratelimit.trusted-proxies}. The filter that reads it is injected once on Jersey (the
 *       feature is also a {@link Feature} for that, see {@link #configure(FeatureContext)});
 *       elsewhere it is registered as a class, which the runtime creates for each limited method
 *       (RESTEasy) or for every request.
 *   <li>A request over a limit is answered with 429, a request without its key with 400 or 401, a
 *       request the store cannot decide with 503, as the {@link HttpContract} says; an admitted
 *       request's response gets the contract's header fields, whatever its status.
 *   <li>An admitted request's {@link dev.limiter.Admission} is {@link
 *       dev.limiter.Admission#current()} while the resource method runs on the request's thread
 *       (asynchronous code keeps the reference it took there), and the request property and, in a
 *       servlet container, request attribute {@link dev.limiter.Admission#ATTRIBUTE} unless a
 *       servlet filter set it. The response filter completes it with the response's status, on
 *       whichever thread the runtime produces the response: a return, an exception mapped by the
 *       application or by the runtime's default mapper (500), an {@code AsyncResponse} resumed,
 *       cancelled or timed out (503), a {@code CompletionStage} completed. That gives back the
 *       request's slots of {@link ConcurrencyLimit} limits and the units of limits whose {@code
 *       countOn} the status does not match. In a servlet container where {@link
 *       RateLimitFeatureInitializer} ran, a request that ends without its response passing the
 *       response filter (an exception the runtime passes on to the container, an asynchronous
 *       request the container ends) is completed with 500 when the container is done with it.
 *       Elsewhere an {@code AsyncResponse} that is never resumed, cancelled or timed out holds its
 *       slots until it is: give such responses a timeout.
 * </ul>
 *
 * <p>Closing: the feature builds its limiter, and finds its store, when the application is
 * deployed, once per application however many times the runtime creates the feature (RESTEasy
 * creates a class-registered feature three times; the instances share the application's limiter).
 * In a servlet container, {@link RateLimitFeatureInitializer}, which the container finds in this
 * jar (an embedded server that scans no jar needs it added), closes that limiter when the servlet
 * context is destroyed, which closes a store it found on the class path (such as Hazelcast's
 * member). The feature never closes what you give it: a limiter passed to {@link Builder#limiter}
 * or to {@link #RateLimitFeature(RateLimiter, HttpContract)}, or a store passed to {@link
 * Builder#store}, stays open; close it when the application stops. Outside a servlet container
 * nothing closes what the feature built: give it a limiter you close, unless the store holds only
 * memory.
 *
 * <p>Register the feature either by class or as an instance, not both: RESTEasy ignores an instance
 * whose class is also registered ({@code RESTEASY002172 ... Singleton ignored}), and uses the
 * class, with the defaults.
 *
 * <p>Thread-safe.
 */
public final class RateLimitFeature implements DynamicFeature, Feature {

  /**
   * The priority of the request and response filters: {@code Priorities.AUTHORIZATION + 100}, after
   * authentication and authorization, before filters at {@code Priorities.USER}.
   */
  public static final int PRIORITY = Priorities.AUTHORIZATION + 100;

  private final HttpContract contract;
  private final LazyLimiter ownLimiter;
  private final AddressFilters addressFilters = new AddressFilters();

  /** {@link #ownLimiter}, or the application's limiter that this feature shares. */
  private volatile LazyLimiter limiter;

  /**
   * Creates the feature with the defaults, for {@code register(RateLimitFeature.class)}: the store
   * found on the class path, configuration from {@link RateLimitConfig#load()} and the contract of
   * {@link HttpContract#from(RateLimitConfig)}. The store is found, and the limiter built, when the
   * application is deployed, once for every feature created so in the application.
   *
   * @throws IllegalArgumentException if a configuration value is invalid
   */
  public RateLimitFeature() {
    this(new Builder());
  }

  /**
   * Creates a feature that decides with {@code limiter} and answers with {@code contract}. The
   * feature does not close the limiter; close it when the application stops.
   *
   * <p>The same as {@code builder().limiter(limiter).httpContract(contract).build()}.
   *
   * @param limiter the limiter, with its store, configuration and limit resolver
   * @param contract the HTTP mapping of decisions, such as {@code
   *     HttpContract.from(limiter.config())}
   * @throws NullPointerException if {@code limiter} or {@code contract} is null
   */
  public RateLimitFeature(RateLimiter limiter, HttpContract contract) {
    this.ownLimiter = LazyLimiter.given(Objects.requireNonNull(limiter, "limiter"));
    this.contract = Objects.requireNonNull(contract, "contract");
    this.limiter = ownLimiter;
  }

  private RateLimitFeature(Builder builder) {
    RateLimiter given = builder.limiter;
    if (given != null) {
      ownLimiter = LazyLimiter.given(given);
    } else {
      RateLimitConfig config = builder.config;
      if (config == null) {
        try {
          config = RateLimitConfig.load();
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "RateLimitFeature cannot read its configuration: " + e.getMessage(), e);
        }
      }
      ownLimiter = LazyLimiter.toBuild(builder.store, config, builder.limitResolver);
    }
    this.contract =
        builder.httpContract != null
            ? builder.httpContract
            : HttpContract.from(ownLimiter.config());
    this.limiter = ownLimiter;
  }

  /**
   * Returns a builder.
   *
   * @return a builder whose defaults are those of {@link #RateLimitFeature()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds the rate-limit filters to {@code resourceInfo}'s method if it or its class carries {@link
   * RateLimit}. Called by the runtime at deployment.
   *
   * @param resourceInfo the resource method
   * @param context where the filters are registered
   * @throws IllegalArgumentException naming the class, the method and the attribute when an
   *     annotation is invalid, which fails the deployment
   * @throws IllegalStateException if the limiter cannot be built, such as when no store, or several
   *     and none named, are on the class path, which fails the deployment
   */
  @Override
  public void configure(ResourceInfo resourceInfo, FeatureContext context) {
    Class<?> type = resourceInfo.getResourceClass();
    Method method = resourceInfo.getResourceMethod();
    if (type == null || method == null) {
      return;
    }
    RateLimiter engine = limiter(context).get();
    if (type.isInterface()) {
      // RESTEasy models a resource whose @Path is on an interface from the interface: the class
      // that implements it, and the @RateLimit there, are known only when a request is matched
      addressFilters.register(context, PRIORITY - 1);
      context.register(
          new EndpointFilter(
              engine,
              new ImplementationLimits(engine, type, method),
              contract,
              addressFilters.servletApi()),
          Map.of(ContainerRequestFilter.class, PRIORITY, ContainerResponseFilter.class, PRIORITY));
      return;
    }
    Method own = annotated(type, method);
    EndpointLimits limits =
        engine.limitsFor(type, own, PathTemplates.parameters(type, method, own));
    if (limits.isEmpty()) {
      return;
    }
    addressFilters.register(context, PRIORITY - 1);
    context.register(
        new EndpointFilter(engine, limits, contract, addressFilters.servletApi()),
        Map.of(ContainerRequestFilter.class, PRIORITY, ContainerResponseFilter.class, PRIORITY));
  }

  /**
   * Returns the method whose annotations apply. Runtimes may report the method that carries the
   * Jakarta REST annotations, on an interface or a superclass; a {@code @RateLimit} on the resource
   * class's own override of it counts then.
   */
  static Method annotated(Class<?> type, Method method) {
    if (method.getDeclaringClass() == type || limited(method)) {
      return method;
    }
    try {
      Method own = type.getMethod(method.getName(), method.getParameterTypes());
      return limited(own) ? own : method;
    } catch (NoSuchMethodException e) {
      return method;
    }
  }

  /** Whether {@code method} carries an annotation of the limiter. */
  private static boolean limited(Method method) {
    return method.getAnnotationsByType(RateLimit.class).length > 0
        || method.getAnnotationsByType(ConcurrencyLimit.class).length > 0
        || method.isAnnotationPresent(IdempotencyKey.class);
  }

  /**
   * Called once by the runtime when the application starts, before the resource methods: makes the
   * features of the application share one limiter, to be closed with the servlet context; registers
   * the pre-matching filter that clears an {@link dev.limiter.Admission#current()} another request
   * left on the thread; and on Jersey, keeps its injection manager so that {@link
   * #configure(ResourceInfo, FeatureContext)} can inject one client-address filter for every
   * limited method.
   *
   * @param context the application's configuration
   * @return true: the feature stays enabled
   */
  @Override
  public boolean configure(FeatureContext context) {
    ApplicationLimiters application = ApplicationLimiters.of(context);
    limiter = application.adopt(ownLimiter);
    addressFilters.start(context);
    if (!context.getConfiguration().isRegistered(CurrentAdmissionReset.class)) {
      context.register(new CurrentAdmissionReset(), CurrentAdmissionReset.PRIORITY);
    }
    if (addressFilters.servletApi()
        && !context.getConfiguration().isRegistered(ServletContextFeature.class)) {
      context.register(ServletContextFeature.class); // closes the limiters with the servlet context
    }
    return true;
  }

  /**
   * Returns the limiter for the application {@code context} belongs to: RESTEasy configures the
   * resource methods with another instance than the one it configured the application with.
   */
  private LazyLimiter limiter(FeatureContext context) {
    ApplicationLimiters application = ApplicationLimiters.find(context.getConfiguration());
    if (application != null) {
      limiter = application.adopt(ownLimiter);
    }
    return limiter;
  }

  /** Whether this feature's limiter was built and is open, for tests. */
  boolean limiterOpen() {
    return limiter.isOpen();
  }

  /** The client-address filter injected for this application, for tests. */
  @Nullable ServletAddressFilter injectedAddressFilter() {
    return addressFilters.injectedFilter();
  }

  /**
   * Returns a description of this feature for logs.
   *
   * @return the header dialect and whether client addresses come from a servlet container
   */
  @Override
  public String toString() {
    return "RateLimitFeature[" + contract + ", servletAddress=" + addressFilters.servletApi() + "]";
  }

  /**
   * Builds a {@link RateLimitFeature}. Give either a {@link #limiter} or the parts to build one
   * from ({@link #store}, {@link #config}, {@link #limitResolver}), not both.
   */
  public static final class Builder {
    private @Nullable RateLimiter limiter;
    private @Nullable RateLimitStore store;
    private @Nullable RateLimitConfig config;
    private @Nullable LimitResolver limitResolver;
    private @Nullable HttpContract httpContract;

    private Builder() {}

    /**
     * Uses this limiter, with its store, configuration and limit resolver. The feature does not
     * close it.
     *
     * @param limiter the limiter
     * @return this builder
     */
    public Builder limiter(RateLimiter limiter) {
      this.limiter = Objects.requireNonNull(limiter, "limiter");
      return this;
    }

    /**
     * Uses this store instead of the one found on the class path. The feature does not close it.
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(RateLimitStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Uses this configuration instead of {@link RateLimitConfig#load()}, for policy overrides, the
     * API-key header, trusted proxies and, unless {@link #httpContract} is given, the header
     * dialect ({@code ratelimit.headers}).
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(RateLimitConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Gives per-key limits, such as plan tiers.
     *
     * @param limitResolver the resolver
     * @return this builder
     */
    public Builder limitResolver(LimitResolver limitResolver) {
      this.limitResolver = Objects.requireNonNull(limitResolver, "limitResolver");
      return this;
    }

    /**
     * Uses this contract for header fields and refusals instead of the one the configuration
     * describes.
     *
     * @param httpContract the contract
     * @return this builder
     */
    public Builder httpContract(HttpContract httpContract) {
      this.httpContract = Objects.requireNonNull(httpContract, "httpContract");
      return this;
    }

    /**
     * Builds the feature. Unless a limiter was given, the feature builds one, and finds a store
     * when none was given, when the application is deployed, and closes it when the servlet context
     * is destroyed (see {@link RateLimitFeatureInitializer}).
     *
     * @return the feature
     * @throws IllegalStateException if a limiter was given together with a store, configuration or
     *     limit resolver
     * @throws IllegalArgumentException if a configuration value is invalid
     */
    public RateLimitFeature build() {
      if (limiter != null && (store != null || config != null || limitResolver != null)) {
        throw new IllegalStateException(
            "a limiter was given together with a store, config or limitResolver; the limiter"
                + " already has its own, so set those on RateLimiter.builder() or drop"
                + " limiter(...)");
      }
      return new RateLimitFeature(this);
    }
  }
}
