package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's Quick start is what examples/quickstart builds in CI: its pom snippet and its test
 * class appear there as written, so copying them into a project works.
 */
class QuickStartTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void readme_pomSnippetIsTheQuickstartProjectsPom() throws IOException {
    String pom = Files.readString(ROOT.resolve("examples/quickstart/pom.xml"));

    assertThat(unindented(pom)).contains(unindented(quickStartBlock("```xml")));
  }

  @Test
  void readme_testClassIsTheQuickstartProjectsTest() throws IOException {
    String test = Files.readString(ROOT.resolve("examples/quickstart/src/test/java/FirstTest.java"));

    assertThat(test.strip()).isEqualTo(quickStartBlock("```java").strip());
  }

  /** The first block fenced by {@code fence} in the README's Quick start section. */
  private static String quickStartBlock(String fence) throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
    int section = lines.indexOf("## Quick start: `@EtcdTest`");
    assertThat(section).as("the README's Quick start heading").isNotNegative();
    int start = lines.subList(section, lines.size()).indexOf(fence) + section + 1;
    int end = lines.subList(start, lines.size()).indexOf("```") + start;
    return String.join("\n", lines.subList(start, end)) + "\n";
  }

  /** The pom nests the snippet one level deeper: compare line by line without indentation. */
  private static String unindented(String text) {
    return text.lines().map(String::strip).reduce("", (a, b) -> a + b + "\n");
  }
}
