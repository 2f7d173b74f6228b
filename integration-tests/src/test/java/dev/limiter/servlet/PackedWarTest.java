/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.lang.runtime.ObjectMethods;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The filter declared in the {@code web.xml} of a packed WAR, built at test time with the library
 * in {@code WEB-INF/lib} and its configuration in {@code WEB-INF/ratelimit.properties}, deployed
 * without unpacking: Tomcat with {@code unpackWARs=false}, Jetty with {@code extractWAR=false}. One
 * server per container holds four web applications: {@code /shop} (the README's form), {@code
 * /missing} (its properties file left out), {@code /two-stores} (a second store in the WAR and no
 * {@code ratelimit.store}) and {@code /recording} (that store chosen, to watch it closed).
 */
@ParameterizedClass
@EnumSource(Container.class)
class PackedWarTest {

  @TempDir static Path dir;
  private static TestServer server;

  @Parameter Container container;

  static final String PROPERTIES =
      String.join(
          "\n",
          "ratelimit.class-limited.max=3",
          "ratelimit.url.policies=downloads",
          "ratelimit.url.downloads.pattern=/files/*",
          "ratelimit.url.downloads.window=1m",
          "ratelimit.url.downloads.max=2",
          "ratelimit.url.downloads.key=header:X-Tenant",
          "");

  /** The init-params of the README's {@code web.xml}. */
  static Map<String, String> readmeParams() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("ratelimit.config", "/WEB-INF/ratelimit.properties");
    params.put("ratelimit.headers", "both");
    params.put("ratelimit.trusted-proxies", "10.0.0.0/8");
    return params;
  }

  static final String SERVLETS =
      War.servlet("class-limited", TestServlets.ClassLimited.class, "/class")
          + War.servlet("plain", TestServlets.Plain.class, "/files/*")
          + War.servlet("loaders", TestServlets.Loaders.class, "/loaders");

  @BeforeParameterizedClassInvocation
  static void deploy(Container container) throws Exception {
    Path root = Files.createDirectories(dir.resolve(container.name()));
    Path warDir = Files.createDirectories(root.resolve("wars"));
    Path workDir = Files.createDirectories(root.resolve("work"));
    Map<String, Path> wars = new LinkedHashMap<>();
    wars.put(
        "/shop",
        new War(War.webXml(readmeParams(), SERVLETS))
            .text("WEB-INF/ratelimit.properties", PROPERTIES)
            .writeTo(warDir.resolve("shop.war")));
    wars.put(
        "/missing",
        new War(War.webXml(readmeParams(), SERVLETS)).writeTo(warDir.resolve("missing.war")));
    wars.put("/two-stores", twoStores(readmeParams()).writeTo(warDir.resolve("two-stores.war")));
    Map<String, String> recording = readmeParams();
    recording.put("ratelimit.store", "recording");
    recording.put("ratelimit.recording.marker", root.resolve("store").toString());
    wars.put("/recording", twoStores(recording).writeTo(warDir.resolve("recording.war")));
    server = container.deployWars(wars, workDir);
  }

  private static War twoStores(Map<String, String> params) throws Exception {
    return new War(War.webXml(params, SERVLETS))
        .text("WEB-INF/ratelimit.properties", PROPERTIES)
        .text(
            "WEB-INF/classes/META-INF/services/dev.limiter.spi.StoreProvider",
            RecordingStoreProvider.class.getName() + "\n");
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void theLimitsOfThePropertiesFileInTheWarAreEnforced() throws Exception {
    HttpResponse<String> first = server.get("/shop/files/a.txt", "X-Tenant", "acme");
    HttpResponse<String> second = server.get("/shop/files/b.txt", "X-Tenant", "acme");
    HttpResponse<String> third = server.get("/shop/files/a.txt", "X-Tenant", "acme");

    assertThat(server.startFailure("/shop")).isEmpty();
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("plain");
    assertThat(first.headers().firstValue("X-RateLimit-Limit")).hasValue("2");
    assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
    assertThat(first.headers().firstValue("X-RateLimit-Policy")).hasValue("downloads");
    assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"downloads\";q=2;w=60");
    assertThat(second.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    assertThat(third.headers().firstValue("Retry-After")).isPresent();
    assertThat(third.body()).contains("downloads");
  }

  @Test
  void theLibraryIsLoadedFromTheWar() throws Exception {
    assertThat(server.get("/shop/loaders").body()).isEqualTo("filter=own engine=own system=other");
  }

  @Test
  void anOverrideInThePropertiesFileChangesAnAnnotatedLimit() throws Exception {
    HttpResponse<String> response = server.get("/shop/class", "X-API-Key", "override");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
  }

  /**
   * Tomcat writes nothing of a WAR it does not unpack; Jetty copies WEB-INF/lib and WEB-INF/classes
   * (see {@link JettyServer#deployWars}) and nothing else, so on neither is the properties file a
   * file on disk.
   */
  @Test
  void nothingOfTheWarButItsCodeIsOnDisk() throws Exception {
    Path root = dir.resolve(container.name());
    List<String> written;
    try (Stream<Path> files = Files.walk(root)) {
      written =
          files
              .filter(Files::isRegularFile)
              .map(file -> root.relativize(file).toString().replace('\\', '/'))
              .filter(name -> !name.startsWith("wars/") && !name.startsWith("store."))
              .sorted()
              .toList();
    }

    if (container == Container.TOMCAT) {
      assertThat(written).isEmpty();
    } else {
      assertThat(written)
          .isNotEmpty()
          .allMatch(name -> name.matches("work/jetty-[a-z-]+/webinf/WEB-INF/(lib|classes)/.+"));
    }
    assertThat(server.getOnce("/shop/files/x", "X-Tenant", "disk")).startsWith("HTTP/1.1 200");
  }

  /**
   * A filter that cannot start fails its web application, whose every URL then answers the
   * container's status, and the container logs the filter's message; other web applications are not
   * affected.
   */
  @Test
  void aFilterThatCannotStartTakesItsWebApplicationDown() throws Exception {
    int status = container == Container.TOMCAT ? 404 : 503;
    for (String path : List.of("/missing", "/two-stores")) {
      for (String url : List.of("/class", "/files/a.txt", "/", "/no/such/page")) {
        assertThat(server.get(path + url, "X-API-Key", "down").statusCode())
            .as("%s on %s", path + url, container)
            .isEqualTo(status);
      }
    }
    assertThat(String.join("\n", server.startFailure("/missing")))
        .contains(
            "RateLimitFilter \"rate-limit\" cannot start",
            "init-param ratelimit.config=\"/WEB-INF/ratelimit.properties\" names no file",
            "the web application has no file /WEB-INF/ratelimit.properties",
            "there is none at /WEB-INF/ratelimit.properties on the file system");
    assertThat(String.join("\n", server.startFailure("/two-stores")))
        .contains(
            "RateLimitFilter \"rate-limit\" cannot start",
            "several rate-limit stores are on the class path",
            "recording",
            "caffeine",
            "<init-param> ratelimit.store of the servlet filter",
            "in application.properties (Spring)");
    assertThat(server.get("/shop/class", "X-API-Key", "still-up").statusCode()).isEqualTo(200);
  }

  /**
   * Undeploying the web application destroys the filter, which closes the limiter and so the store
   * it built, and nothing keeps the application's class loader: no thread has it as its context
   * class loader, and the collector takes it.
   *
   * <p>The requests go on connections that close after the answer: a container keeps state of the
   * last request of a kept-alive connection until the next one. Before the collection the test
   * links the {@code equals} of a record of its own: {@code ObjectMethods} keeps the last record
   * class whose {@code equals} it linked (JDK-8078641: strongly on JDK 17, softly from JDK 18,
   * which {@code System.gc()} need not clear), here one of the filter's, which holds one class
   * loader at most, whatever the library does. Before the engine held its per-thread result holder
   * weakly, this test failed on both containers: the container's threads kept a holder, and through
   * its class the loader.
   */
  @Test
  void undeployClosesTheStoreAndLeavesNothingBehind() throws Throwable {
    Path root = dir.resolve(container.name());
    for (int i = 0; i < 4; i++) {
      assertThat(server.getOnce("/recording/class", "X-API-Key", "r" + i))
          .startsWith("HTTP/1.1 200")
          .containsIgnoringCase("X-RateLimit-Limit: 3");
    }
    assertThat(root.resolve("store.created")).exists();
    assertThat(root.resolve("store.closed")).doesNotExist();
    WeakReference<ClassLoader> loader = new WeakReference<>(server.classLoader("/recording"));

    server.undeploy("/recording");

    assertThat(root.resolve("store.closed")).exists();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      assertThat(thread.getContextClassLoader()).as(thread.getName()).isNotSameAs(loader.get());
    }
    linkTheEqualsOfARecordOfTheTest();
    for (int i = 0; i < 50 && loader.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(loader.get()).as("the web application's class loader, collected").isNull();
  }

  private record Flush(int value) {}

  /**
   * Makes {@code ObjectMethods} link the {@code equals} of {@link Flush}, as the first call of a
   * record's {@code equals} does, so that the class it keeps is one of the test's. The class is
   * defined anew by a class loader of the test's own: from JDK 18 the JDK keeps a class of the
   * built-in loaders strongly and one of another loader (a web application's) softly, apart.
   */
  private static void linkTheEqualsOfARecordOfTheTest() throws Throwable {
    String name = Flush.class.getName();
    byte[] bytes;
    try (InputStream in =
        PackedWarTest.class.getResourceAsStream(
            name.substring(name.lastIndexOf('.') + 1) + ".class")) {
      bytes = in.readAllBytes();
    }
    ClassLoader own =
        new ClassLoader(PackedWarTest.class.getClassLoader()) {
          @Override
          protected Class<?> loadClass(String className, boolean resolve)
              throws ClassNotFoundException {
            if (!className.equals(name)) {
              return super.loadClass(className, resolve);
            }
            synchronized (getClassLoadingLock(className)) {
              Class<?> loaded = findLoadedClass(className);
              return loaded != null ? loaded : defineClass(className, bytes, 0, bytes.length);
            }
          }
        };
    Class<?> flush = own.loadClass(name);
    MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(flush, MethodHandles.lookup());
    ObjectMethods.bootstrap(
        lookup,
        "equals",
        MethodType.methodType(boolean.class, flush, Object.class),
        flush,
        "value",
        lookup.findGetter(flush, "value", int.class));
  }
}
