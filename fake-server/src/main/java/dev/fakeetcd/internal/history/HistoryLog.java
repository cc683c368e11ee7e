package dev.fakeetcd.internal.history;

import java.util.List;

/**
 * A snapshot of what a cluster's clients did and saw, taken from a recorder: immutable, what every
 * check and the timeline read.
 *
 * @param seed the cluster's seed, which every violation message names
 * @param operations unary calls, by invocation order
 * @param watches watch streams, by opening order
 * @param truncated whether the recorder reached its bound and stopped recording (checks then
 *     refuse, since a history with holes cannot be judged)
 */
public record HistoryLog(long seed, List<Operation> operations, List<WatchStream> watches,
    boolean truncated) {

  public HistoryLog {
    operations = List.copyOf(operations);
    watches = List.copyOf(watches);
  }
}
