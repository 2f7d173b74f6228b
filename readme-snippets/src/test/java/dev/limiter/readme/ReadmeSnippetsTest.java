/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.xml.sax.InputSource;

/**
 * The code blocks of the READMEs are the compiled regions of this module's sources.
 *
 * <p>A region starts at a line {@code // README: name} and ends at {@code // README end}; its text,
 * without the indentation its lines share, must equal a {@code ```java} block of a README. A block
 * that starts with {@code import} lines is a region whose file has exactly those imports, so that
 * what the block shows compiles as shown. Every block needs a region and every region a block: a
 * snippet changed on one side only fails here.
 */
class ReadmeSnippetsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final List<Path> READMES =
      List.of(ROOT.resolve("README.md"), ROOT.resolve("hazelcast-store/README.md"));
  private static final Path SOURCES = Path.of("src/test/java/dev/limiter/readme");

  /** A fenced block of a README. */
  record Block(Path file, int line, String language, String text) {
    String where() {
      return ROOT.relativize(file) + ":" + line;
    }
  }

  /** A marked region of a source file, with that file's import lines. */
  record Region(Path file, String name, String text, Set<String> imports) {}

  @Test
  void everyJavaBlockIsACompiledRegionAndEveryRegionIsShown() throws IOException {
    List<Block> blocks = blocks("java");
    List<Region> regions = regions();
    assertThat(blocks).as("java blocks in the READMEs").hasSizeGreaterThan(5);

    List<String> problems = new ArrayList<>();
    Set<Region> shown = new LinkedHashSet<>();
    for (Block block : blocks) {
      List<String> lines = block.text().lines().collect(Collectors.toList());
      Set<String> imports = new LinkedHashSet<>();
      while (!lines.isEmpty() && (lines.get(0).startsWith("import ") || lines.get(0).isBlank())) {
        String line = lines.remove(0);
        if (!line.isBlank()) {
          imports.add(line.strip());
        }
      }
      String code = String.join("\n", lines).strip();
      List<Region> same = regions.stream().filter(r -> r.text().equals(code)).toList();
      if (same.isEmpty()) {
        problems.add(
            block.where()
                + ": no region of "
                + SOURCES
                + " has this text; add it between // README: name and // README end:\n"
                + block.text());
        continue;
      }
      shown.addAll(same);
      if (!imports.isEmpty()
          && same.stream().noneMatch(region -> region.imports().equals(imports))) {
        problems.add(
            block.where()
                + ": the block imports "
                + imports
                + " but its region's file "
                + same.get(0).file()
                + " imports "
                + same.get(0).imports()
                + "; what the block shows would not compile as shown");
      }
    }
    for (Region region : regions) {
      if (!shown.contains(region)) {
        problems.add(
            region.file() + ": region " + region.name() + " is in no README; drop it or show it");
      }
    }
    if (!problems.isEmpty()) {
      fail(String.join("\n\n", problems));
    }
  }

  @Test
  void everyXmlBlockIsWellFormed() throws Exception {
    List<Block> blocks = blocks("xml");
    assertThat(blocks).as("xml blocks in the READMEs").isNotEmpty();
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    for (Block block : blocks) {
      String text = block.text().replaceFirst("^<\\?xml[^>]*\\?>", "");
      try {
        factory
            .newDocumentBuilder()
            .parse(new InputSource(new StringReader("<snippet>" + text + "</snippet>")));
      } catch (Exception e) {
        throw new AssertionError(block.where() + ": not well-formed XML: " + e.getMessage(), e);
      }
    }
  }

  private static List<Block> blocks(String language) throws IOException {
    List<Block> blocks = new ArrayList<>();
    for (Path readme : READMES) {
      List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).strip().equals("```" + language)) {
          continue;
        }
        int start = i + 1;
        int end = start;
        while (end < lines.size() && !lines.get(end).strip().equals("```")) {
          end++;
        }
        blocks.add(new Block(readme, i + 1, language, dedent(lines.subList(start, end))));
        i = end;
      }
    }
    return blocks;
  }

  private static List<Region> regions() throws IOException {
    List<Region> regions = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      Set<String> imports =
          lines.stream()
              .filter(line -> line.startsWith("import "))
              .map(String::strip)
              .collect(Collectors.toCollection(LinkedHashSet::new));
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (!line.startsWith("// README: ")) {
          continue;
        }
        String name = line.substring("// README: ".length());
        int end = i + 1;
        while (end < lines.size() && !lines.get(end).strip().equals("// README end")) {
          end++;
        }
        assertThat(end)
            .as(file + ": region " + name + " has no // README end")
            .isLessThan(lines.size());
        regions.add(new Region(file, name, dedent(lines.subList(i + 1, end)), imports));
        i = end;
      }
    }
    return regions;
  }

  /** The lines joined, without the indentation their non-blank lines share, trailing blanks cut. */
  private static String dedent(List<String> lines) {
    int indent =
        lines.stream()
            .filter(line -> !line.isBlank())
            .mapToInt(line -> line.length() - line.stripLeading().length())
            .min()
            .orElse(0);
    return lines.stream()
        .map(line -> line.isBlank() ? "" : line.substring(indent).stripTrailing())
        .collect(Collectors.joining("\n"))
        .strip();
  }
}
