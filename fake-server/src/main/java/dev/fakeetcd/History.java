package dev.fakeetcd;

import dev.fakeetcd.internal.history.HistoryLog;
import dev.fakeetcd.internal.history.Timeline;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.sim.Trace;
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

  private final Cluster cluster;

  History(Cluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Writes the run's HTML timeline to {@code file}, replacing it.
   *
   * @return {@code file}
   * @throws UncheckedIOException if it cannot be written
   */
  public Path writeTimeline(Path file) {
    List<Trace.Event> events;
    synchronized (cluster.lock()) {
      events = cluster.trace().events();
    }
    String html = Timeline.html(new HistoryLog(cluster.seed(), List.of(), List.of(), false),
        events);
    try {
      Files.writeString(file, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
