package dev.fakeetcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering that the package-infos describe, read from the sources' imports: internal packages
 * depend on each other without cycles, the simulation core stands alone, and nothing internal
 * reaches up into the front door.
 */
class PackageDependenciesTest {

  private static final Path SOURCES = Path.of("src/main/java");
  private static final String INTERNAL = "dev.fakeetcd.internal.";
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?(dev\\.fakeetcd\\.[\\w.]*?)\\.[A-Z]", Pattern.MULTILINE);

  private static final Map<String, Set<String>> GRAPH = readGraph();

  @Test
  void internalPackages_formNoCycle() {
    assertThat(cycles()).isEmpty();
  }

  @Test
  void simulationCore_importsOnlyRaftAndTheClockMode() {
    GRAPH.forEach((from, to) -> {
      if (from.startsWith(INTERNAL + "sim") || from.startsWith(INTERNAL + "raft")) {
        assertThat(to).as(from).allMatch(p -> p.startsWith(INTERNAL + "raft")
            || p.startsWith(INTERNAL + "sim") || p.equals("dev.fakeetcd"));
      }
    });
  }

  @Test
  void historyPackage_importsOnlyTheSimulation() {
    assertThat(GRAPH.get(INTERNAL + "history")).allMatch(p -> p.equals(INTERNAL + "sim"));
  }

  @Test
  void internalPackages_useNoFrontDoorTypeButTheClockMode() throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES.resolve("dev/fakeetcd/internal"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = Pattern.compile("^import (dev\\.fakeetcd\\.[A-Z]\\w*);", Pattern.MULTILINE)
            .matcher(Files.readString(file));
        while (m.find()) {
          if (!m.group(1).equals("dev.fakeetcd.VirtualClock")) {
            offenders.add(file + " imports " + m.group(1));
          }
        }
      }
    }
    assertThat(offenders).isEmpty();
  }

  private static List<String> cycles() {
    List<String> found = new ArrayList<>();
    Map<String, Integer> state = new TreeMap<>();
    for (String start : GRAPH.keySet()) {
      walk(start, state, new ArrayDeque<>(), found);
    }
    return found;
  }

  private static void walk(String node, Map<String, Integer> state, Deque<String> path,
      List<String> found) {
    Integer s = state.get(node);
    if (s != null && s == 2) {
      return;
    }
    if (s != null) {
      List<String> cycle = new ArrayList<>(path);
      Collections.reverse(cycle);
      found.add(String.join(" -> ", cycle.subList(cycle.indexOf(node), cycle.size())) + " -> "
          + node);
      return;
    }
    state.put(node, 1);
    path.push(node);
    for (String next : GRAPH.getOrDefault(node, Set.of())) {
      walk(next, state, path, found);
    }
    path.pop();
    state.put(node, 2);
  }

  private static Map<String, Set<String>> readGraph() {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(file -> {
        String text = read(file);
        Matcher pkg = PACKAGE.matcher(text);
        if (!pkg.find() || !pkg.group(1).startsWith(INTERNAL)) {
          return;
        }
        Set<String> to = graph.computeIfAbsent(pkg.group(1), k -> new TreeSet<>());
        Matcher imp = IMPORT.matcher(text);
        while (imp.find()) {
          String target = imp.group(1);
          if (!target.equals(pkg.group(1)) && !target.startsWith("dev.fakeetcd.api")) {
            to.add(target);
          }
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
