package dev.fakeetcd.internal.mvcc;

import dev.fakeetcd.api.Event;
import java.util.List;

/**
 * Outcome of one write applied to an {@link MvccStore}.
 *
 * @param response the etcd response (top-level header carries only {@code revision})
 * @param revision the store revision after the write; unchanged when nothing changed
 * @param events the events of that revision in etcd's order; empty when nothing changed
 */
public record WriteResult<R>(R response, long revision, List<Event> events) {
  public WriteResult {
    events = List.copyOf(events);
  }
}
