/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Configuration of the limiter: {@code ratelimit.*} keys from a properties file, values set in
 * code, environment variables and system properties, later ones winning.
 *
 * <p>Sources, lowest precedence first:
 *
 * <ol>
 *   <li>{@code ratelimit.properties} at the class-path root, or the file that {@code
 *       ratelimit.config} names (as a system property or {@code RATELIMIT_CONFIG}), or the file or
 *       stream given to {@link Builder#file} or {@link Builder#properties} in their place;
 *   <li>values set with {@link Builder#set} (the servlet filter's init-params, the JAX-RS feature's
 *       builder);
 *   <li>environment variables: the key upper-cased with every character other than a letter or a
 *       digit turned into {@code _}, so {@code ratelimit.search-burst.max} is {@code
 *       RATELIMIT_SEARCH_BURST_MAX};
 *   <li>system properties, by the key itself.
 * </ol>
 *
 * <p>Keys the engine reads: {@code ratelimit.<policy>.max} and {@code ratelimit.<policy>.window}
 * (overrides by policy name), {@code ratelimit.store}, {@code ratelimit.api-key-header} (default
 * {@code X-API-Key}), {@code ratelimit.trusted-proxies}, {@code ratelimit.forwarded-header}
 * (default {@code X-Forwarded-For}), {@code ratelimit.ipv6-prefix} (default 64), {@code
 * ratelimit.headers}. Stores and adapters document their own.
 */
public final class RateLimitConfig {

  /** The file read from the class path when {@code ratelimit.config} is not set. */
  public static final String DEFAULT_RESOURCE = "ratelimit.properties";

  private final Map<String, String> file;
  private final String fileSource;
  private final Map<String, String> programmatic;
  private final String programmaticSource;
  private final Map<String, String> environment;
  private final Map<String, String> systemProperties;

  private RateLimitConfig(Builder builder) {
    this.file = Map.copyOf(builder.file);
    this.fileSource = builder.fileSource;
    this.programmatic = Map.copyOf(builder.values);
    this.programmaticSource = builder.valuesSource;
    this.environment = builder.environment;
    this.systemProperties = builder.systemProperties;
  }

  /**
   * Loads the configuration from the default sources: the properties file, the process environment
   * and the system properties.
   *
   * @return the configuration
   * @throws IllegalArgumentException if {@code ratelimit.config} names a file that cannot be read
   */
  public static RateLimitConfig load() {
    return builder().build();
  }

  /**
   * Returns a builder that reads the default sources and takes values set in code.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the value of {@code key} from the source of highest precedence that has it.
   *
   * @param key a key such as {@code ratelimit.search.max}
   * @return the value, stripped of surrounding white space, or empty
   */
  public Optional<String> get(String key) {
    Objects.requireNonNull(key, "key");
    String value = systemProperties.get(key);
    if (value == null) {
      value = environment.get(environmentName(key));
    }
    if (value == null) {
      value = programmatic.get(key);
    }
    if (value == null) {
      value = file.get(key);
    }
    return value == null ? Optional.empty() : Optional.of(value.strip());
  }

  /**
   * Describes the source that {@link #get(String)} takes {@code key}'s value from, for messages
   * about a wrong value: {@code system property ratelimit.search.max}, {@code environment variable
   * RATELIMIT_SEARCH_MAX}, {@code file /etc/app/ratelimit.properties}, {@code ratelimit.properties
   * on the class path (jar:file:/app.jar!/ratelimit.properties)}, what {@link Builder#properties}
   * was told, {@code code} for values set with {@link Builder#set} (or what {@link
   * Builder#valuesFrom} named), or {@code no source}.
   *
   * @param key the key
   * @return where its value comes from
   */
  public String sourceOf(String key) {
    Objects.requireNonNull(key, "key");
    if (systemProperties.containsKey(key)) {
      return "system property " + key;
    }
    if (environment.containsKey(environmentName(key))) {
      return "environment variable " + environmentName(key);
    }
    if (programmatic.containsKey(key)) {
      return programmaticSource;
    }
    if (file.containsKey(key)) {
      return fileSource;
    }
    return "no source";
  }

  /**
   * Returns {@code key="value" (from source)} for a message about a wrong value, the value as
   * {@link #get(String)} returns it.
   *
   * @param key the key
   * @return the key, its value and where the value comes from
   */
  public String describe(String key) {
    return String.format(Locale.ROOT, "%s=\"%s\" (from %s)", key, get(key, ""), sourceOf(key));
  }

  /**
   * Returns the value of {@code key}, or {@code defaultValue} when no source has it.
   *
   * @param key the key
   * @param defaultValue the value to use when the key is absent
   * @return the value
   */
  public String get(String key, String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  /**
   * Returns the value of {@code key} as a long.
   *
   * @param key the key
   * @param defaultValue the value to use when the key is absent
   * @return the value
   * @throws IllegalArgumentException naming the key and the value when it is not a whole number
   */
  public long getLong(String key, long defaultValue) {
    Optional<String> value = get(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value.get());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "configuration " + describe(key) + " is not a whole number");
    }
  }

  /**
   * Returns the environment variable name that stands for {@code key}.
   *
   * @param key a key such as {@code ratelimit.search-burst.max}
   * @return the variable name, such as {@code RATELIMIT_SEARCH_BURST_MAX}
   */
  public static String environmentName(String key) {
    StringBuilder name = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      name.append(Character.isLetterOrDigit(c) && c < 128 ? Character.toUpperCase(c) : '_');
    }
    return name.toString();
  }

  /** Builds a {@link RateLimitConfig}; the default sources are always read. */
  public static final class Builder {
    private final Map<String, String> values = new TreeMap<>();
    private String valuesSource = "code";
    private Map<String, String> file = Map.of();
    private String fileSource = "no file";
    private Map<String, String> environment = System.getenv();
    private Map<String, String> systemProperties = systemProperties();
    private @Nullable Path path;
    private @Nullable Map<String, String> given;
    private String givenSource = "no file";
    private boolean fileSet;

    private Builder() {}

    /**
     * Sets a value, above the properties file and below the environment and system properties.
     *
     * @param key the key, such as {@code ratelimit.headers}
     * @param value the value
     * @return this builder
     */
    public Builder set(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      values.put(key, value);
      return this;
    }

    /**
     * Names where the values given to {@link #set} come from, for messages about a wrong value.
     *
     * @param description such as {@code init-param of filter rate-limit}; {@code code} by default
     * @return this builder
     */
    public Builder valuesFrom(String description) {
      this.valuesSource = Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * Reads this properties file instead of {@code ratelimit.properties} on the class path.
     *
     * @param file the file
     * @return this builder
     */
    public Builder file(Path file) {
      this.path = Objects.requireNonNull(file, "file");
      this.given = null;
      this.fileSet = true;
      return this;
    }

    /**
     * Reads the properties in {@code in} instead of {@code ratelimit.properties} on the class path,
     * for a file that is not on the file system: a resource of a packed web application ({@code
     * ServletContext.getResourceAsStream}), of a jar, or any other stream. Like {@link
     * #file(Path)}, it takes the place of the file that a {@code ratelimit.config} system property
     * or {@code RATELIMIT_CONFIG} would name; a caller that lets those win checks them first.
     *
     * <p>The stream is read now, as {@link Properties#load(InputStream)} reads a properties file
     * (ISO 8859-1 and its escapes), and left open: the caller closes it.
     *
     * @param in the properties
     * @param source where they come from, for messages about a wrong value and for {@link
     *     RateLimitConfig#sourceOf}, such as {@code /WEB-INF/ratelimit.properties in the web
     *     application}
     * @return this builder
     * @throws IllegalArgumentException naming {@code source} when {@code in} cannot be read or is
     *     not in the properties format
     */
    public Builder properties(InputStream in, String source) {
      Objects.requireNonNull(in, "in");
      Objects.requireNonNull(source, "source");
      try {
        this.given = read(in, source);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read the rate-limit configuration " + source + ": " + e.getMessage(), e);
      }
      this.givenSource = source;
      this.path = null;
      this.fileSet = true;
      return this;
    }

    /**
     * Replaces the environment, for tests.
     *
     * @param environment the variables
     * @return this builder
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * Replaces the system properties, for tests.
     *
     * @param properties the properties
     * @return this builder
     */
    public Builder systemProperties(Map<String, String> properties) {
      this.systemProperties = Map.copyOf(properties);
      return this;
    }

    /**
     * Builds the configuration, reading the properties file.
     *
     * @return the configuration
     * @throws IllegalArgumentException if a named file cannot be read
     */
    public RateLimitConfig build() {
      Map<String, String> properties = given;
      if (properties != null) {
        file = properties;
        fileSource = givenSource;
        return new RateLimitConfig(this);
      }
      Path named = path;
      if (!fileSet) {
        String configured = systemProperties.get("ratelimit.config");
        if (configured == null) {
          configured = environment.get(environmentName("ratelimit.config"));
        }
        named = configured == null || configured.isBlank() ? null : Path.of(configured.strip());
      }
      file = named != null ? readFile(named) : readResource();
      return new RateLimitConfig(this);
    }

    private Map<String, String> readFile(Path path) {
      try (InputStream in = Files.newInputStream(path)) {
        fileSource = "file " + path.toAbsolutePath();
        return read(in, fileSource);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read the rate-limit configuration file "
                + path.toAbsolutePath()
                + " named by ratelimit.config: "
                + e.getMessage(),
            e);
      }
    }

    private Map<String, String> readResource() {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader == null) {
        loader = RateLimitConfig.class.getClassLoader();
      }
      java.net.URL url = loader.getResource(DEFAULT_RESOURCE);
      if (url == null) {
        return Map.of();
      }
      try (InputStream in = url.openStream()) {
        fileSource = DEFAULT_RESOURCE + " on the class path (" + url + ")";
        return read(in, fileSource);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read " + DEFAULT_RESOURCE + " from the class path", e);
      }
    }

    private static Map<String, String> read(InputStream in, String source) throws IOException {
      Properties properties = new Properties();
      try {
        properties.load(in);
      } catch (IllegalArgumentException e) { // a malformed Unicode escape
        throw new IllegalArgumentException(
            "cannot read the rate-limit configuration " + source + ": " + e.getMessage(), e);
      }
      Map<String, String> map = new HashMap<>();
      for (String name : properties.stringPropertyNames()) {
        map.put(name, properties.getProperty(name));
      }
      return map;
    }

    private static Map<String, String> systemProperties() {
      Map<String, String> map = new HashMap<>();
      Properties properties = System.getProperties();
      for (String name : properties.stringPropertyNames()) {
        if (name.startsWith("ratelimit.")) {
          map.put(name, properties.getProperty(name));
        }
      }
      return map;
    }
  }
}
