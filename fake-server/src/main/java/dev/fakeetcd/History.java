package dev.fakeetcd;

import dev.fakeetcd.internal.history.HistoryLog;
import dev.fakeetcd.internal.history.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * PLACEHOLDER for the timeline branch (hist-timeline) only, so that the JUnit extension compiles:
 * the real front door of a cluster's recorded history comes from the recorder's branch (with the
 * same {@code writeTimeline}), which replaces this file at merge. Records nothing: its timeline has
 * the trace's lanes and no operations.
 */
public final class History {

  private final EtcdCluster cluster;

  History(EtcdCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Writes the run's HTML timeline to {@code file}, creating its directory.
   *
   * @return {@code file}
   * @throws UncheckedIOException if it cannot be written
   */
  public Path writeTimeline(Path file) {
    String html = Timeline.html(new HistoryLog(cluster.seed(), List.of(), List.of(), false),
        cluster.traceEvents());
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
