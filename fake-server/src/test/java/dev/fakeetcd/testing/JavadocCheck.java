package dev.fakeetcd.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Runs javadoc's doclint over a front-door package of the module under test, so that a public
 * type or member without a comment fails a test. {@code @param} and {@code @return} are not
 * required: the front door documents in prose.
 */
public final class JavadocCheck {

  private JavadocCheck() {
  }

  /** javadoc's "no comment" warnings for {@code packageName}'s sources, one line each. */
  public static List<String> uncommented(String packageName) {
    Path sources = Path.of("src/main/java", packageName.split("\\."));
    List<String> args = new ArrayList<>(List.of("-Xdoclint:all", "-Xmaxwarns", "10000", "-quiet",
        "-d", "target/javadoc-check", "-classpath", System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path"))));
    try (Stream<Path> files = Files.list(sources)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringWriter log = new StringWriter();
    PrintWriter writer = new PrintWriter(log);
    int status = ToolProvider.findFirst("javadoc").orElseThrow()
        .run(writer, writer, args.toArray(String[]::new));
    writer.flush();
    if (status != 0) { // else a run that documents nothing would pass
      throw new IllegalStateException("javadoc failed (" + status + "):\n" + log);
    }
    return log.toString().lines().filter(line -> line.contains("warning: no comment")).toList();
  }
}
