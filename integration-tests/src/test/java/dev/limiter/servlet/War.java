/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds a web archive at test time, as an application's build would: {@code WEB-INF/web.xml},
 * files under {@code WEB-INF}, the test servlets in {@code WEB-INF/classes}, and the library in
 * {@code WEB-INF/lib} (servlet-filter, limiter-api, caffeine-store and Caffeine, each a jar; a
 * module the reactor has not packaged yet is zipped from its classes directory).
 */
final class War {

  /** A class of each jar a web application using the filter with Caffeine brings. */
  private static final List<Class<?>> LIBRARY =
      List.of(RateLimitFilter.class, RateLimiter.class, CaffeineStore.class, Caffeine.class);

  /** The {@code web.xml} of the README: the filter on every path, configured by init-params. */
  static String webXml(Map<String, String> initParams, String servlets) {
    StringBuilder params = new StringBuilder();
    for (Map.Entry<String, String> param : initParams.entrySet()) {
      params
          .append("    <init-param>\n      <param-name>")
          .append(param.getKey())
          .append("</param-name>\n      <param-value>")
          .append(param.getValue())
          .append("</param-value>\n    </init-param>\n");
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\"\n"
        + "         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
        + "         xsi:schemaLocation=\"https://jakarta.ee/xml/ns/jakartaee"
        + " https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd\"\n"
        + "         version=\"6.0\" metadata-complete=\"true\">\n"
        + "  <filter>\n"
        + "    <filter-name>rate-limit</filter-name>\n"
        + "    <filter-class>dev.limiter.servlet.RateLimitFilter</filter-class>\n"
        + "    <async-supported>true</async-supported>\n"
        + params
        + "  </filter>\n"
        + "  <filter-mapping>\n"
        + "    <filter-name>rate-limit</filter-name>\n"
        + "    <url-pattern>/*</url-pattern>\n"
        + "  </filter-mapping>\n"
        + servlets
        + "</web-app>\n";
  }

  /** A {@code <servlet>} and its {@code <servlet-mapping>}. */
  static String servlet(String name, Class<?> type, String urlPattern) {
    return "  <servlet>\n"
        + "    <servlet-name>"
        + name
        + "</servlet-name>\n"
        + "    <servlet-class>"
        + type.getName()
        + "</servlet-class>\n"
        + "  </servlet>\n"
        + "  <servlet-mapping>\n"
        + "    <servlet-name>"
        + name
        + "</servlet-name>\n"
        + "    <url-pattern>"
        + urlPattern
        + "</url-pattern>\n"
        + "  </servlet-mapping>\n";
  }

  private final Map<String, byte[]> entries = new LinkedHashMap<>();

  /** A WAR with {@code WEB-INF/web.xml}, the test servlets and the library. */
  War(String webXml) throws IOException {
    text("WEB-INF/web.xml", webXml);
    testClasses("TestServlets", "RecordingStoreProvider");
    entries.putAll(library());
  }

  private static Map<String, byte[]> library;

  /** The WEB-INF/lib entries, read once. */
  private static synchronized Map<String, byte[]> library() throws IOException {
    if (library == null) {
      Map<String, byte[]> jars = new LinkedHashMap<>();
      for (Class<?> type : LIBRARY) {
        Path location = location(type);
        String name = location.getFileName().toString();
        jars.put(
            "WEB-INF/lib/" + (Files.isDirectory(location) ? jarName(type) : name),
            Files.isDirectory(location) ? jar(location) : Files.readAllBytes(location));
      }
      library = jars;
    }
    return library;
  }

  /** Adds a text entry, such as {@code WEB-INF/ratelimit.properties}. */
  War text(String path, String content) {
    entries.put(path, content.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Writes the archive, packed, to {@code file}. */
  Path writeTo(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(zip(entries));
    }
    return file;
  }

  /** The compiled test classes of this package whose names start with one of {@code prefixes}. */
  private void testClasses(String... prefixes) throws IOException {
    Path root = location(War.class);
    Path dir = root.resolve("dev/limiter/servlet");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        for (String prefix : prefixes) {
          if (name.startsWith(prefix) && name.endsWith(".class")) {
            entries.put(
                "WEB-INF/classes/" + root.relativize(file).toString().replace('\\', '/'),
                Files.readAllBytes(file));
          }
        }
      }
    }
  }

  private static String jarName(Class<?> type) {
    return type.getPackageName().replace('.', '-') + ".jar";
  }

  private static Path location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A classes directory as a jar. */
  private static byte[] jar(Path directory) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.filter(Files::isRegularFile).sorted().toList()) {
        files.put(
            directory.relativize(path).toString().replace('\\', '/'), Files.readAllBytes(path));
      }
    }
    return zip(files);
  }

  private static byte[] zip(Map<String, byte[]> files) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.setLevel(Deflater.BEST_SPEED); // the jars inside are compressed already
      java.util.Set<String> directories = new java.util.HashSet<>();
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        String name = file.getKey();
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
          String directory = name.substring(0, slash + 1);
          if (directories.add(directory)) {
            zip.putNextEntry(new ZipEntry(directory)); // as jar and the WAR plugin write them
            zip.closeEntry();
          }
        }
        zip.putNextEntry(new ZipEntry(name));
        zip.write(file.getValue());
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
