package dev.fakeetcd.internal.watch;

import dev.fakeetcd.api.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * The watch streams of one member, fed by that member's applied entries only: a member cut off
 * from the cluster applies nothing, so its watchers stall, and catch up in order once it applies
 * again (from new entries one revision at a time, or from its store's history after a snapshot).
 * Called under the cluster lock.
 */
public final class WatchHub {

  /** A client's watch stream (the gRPC protocol lives above, in the API layer). */
  public interface Stream {
    /** The member applied {@code revision}; {@code events} are its changes in etcd's order. */
    void applied(long revision, List<Event> events);

    /** The member's store was replaced by a snapshot. */
    void restored();

    /** The member went down: the stream ends as its connection would. */
    void stopped();
  }

  private final List<Stream> streams = new ArrayList<>();

  public void add(Stream stream) {
    streams.add(stream);
  }

  public void remove(Stream stream) {
    streams.remove(stream);
  }

  /** The member applied a revision; {@code events} are its changes in etcd's order. */
  public void applied(List<Event> events) {
    long revision = events.get(0).getKv().getModRevision();
    for (Stream s : streams) {
      s.applied(revision, events);
    }
  }

  /** The member's store was replaced by a snapshot. */
  public void restored() {
    for (Stream s : streams) {
      s.restored();
    }
  }

  /** The member went down: every stream ends as its connection would. */
  public void stopped() {
    for (Stream s : streams) {
      s.stopped();
    }
    streams.clear();
  }
}
