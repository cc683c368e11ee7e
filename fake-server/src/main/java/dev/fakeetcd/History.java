package dev.fakeetcd;

import dev.fakeetcd.internal.history.HistoryLog;
import dev.fakeetcd.internal.history.HistoryRecorder;
import dev.fakeetcd.internal.history.LinearizabilityChecker;
import dev.fakeetcd.internal.history.SerializableReadChecker;
import dev.fakeetcd.internal.history.Timeline;
import dev.fakeetcd.internal.history.WatchChecker;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.sim.Trace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the cluster's clients did and saw, as its members served them: every gRPC call (its request,
 * when it was invoked and completed in virtual time, its outcome) and every Watch stream's
 * messages, from any client, in-process or over TCP (Lock's and Election's writes, {@link
 * EtcdCluster#compact} and auto-compaction as the KV calls they make); and the checks that read it. Each check looks
 * at the history recorded so far and returns what it found wrong, naming the operations involved
 * and the seed, or empty.
 *
 * <pre>{@code
 * // ... clients put, read and watch ...
 * cluster.history().linearizabilityViolation().ifPresent(Assertions::fail);
 * }</pre>
 *
 * <p>Recording is on unless {@link ClusterConfig.Builder#history(boolean)} turns it off, and
 * bounded: past 100,000 calls or 200,000 watch stream messages it stops, and the checks then refuse
 * to judge. Every method throws {@link IllegalStateException} when recording is off.
 */
public final class History {

  private final Cluster cluster;
  /** Started from a snapshot: its keys were written by no recorded call. */
  private final boolean restored;

  History(Cluster cluster, boolean restored) {
    this.cluster = cluster;
    this.restored = restored;
  }

  /** How many unary calls are recorded (Watch streams not counted). */
  public int operationCount() {
    return recorder().operationCount();
  }

  /**
   * Whether the key-value calls cannot be put in one order that respects real time and etcd's
   * semantics: the violation, reduced to the fewest operations that still cannot be ordered. A
   * cluster started from a snapshot cannot be judged (its keys were written by no recorded call):
   * that is the answer then.
   */
  public Optional<String> linearizabilityViolation() {
    return linearizability(log());
  }

  private Optional<String> linearizability(HistoryLog log) {
    if (restored) {
      return Optional.of("the history of seed " + log.seed() + " cannot be checked for"
          + " linearizability: the cluster started from a snapshot, whose keys no recorded call"
          + " wrote");
    }
    return HistoryRecorder.refusal(log).or(() -> LinearizabilityChecker.check(log));
  }

  /**
   * Whether some watch broke etcd's watch guarantees: events ordered, unique, reliable (no gap),
   * atomic (one revision's events in one response) and resumable from a start revision.
   */
  public Optional<String> watchGuaranteeViolation() {
    return WatchChecker.check(log());
  }

  /**
   * Whether serializable reads were not sequentially consistent per member: a later read saw an
   * older revision than an earlier one, or a value that a known write had already replaced.
   */
  public Optional<String> serializableReadViolation() {
    return SerializableReadChecker.check(log());
  }

  /**
   * Writes an HTML timeline of the recorded calls and the retained trace (elections, faults) to
   * {@code file}, replacing it, with the first violation the checks find shown and its operations
   * highlighted; returns {@code file}.
   *
   * @throws UncheckedIOException if it cannot be written
   */
  public Path writeTimeline(Path file) {
    Objects.requireNonNull(file, "file");
    HistoryLog log = log();
    List<Trace.Event> events;
    synchronized (cluster.lock()) {
      events = cluster.trace().events(); // a copy already
    }
    try {
      Optional<String> violation = linearizability(log).or(() -> WatchChecker.check(log))
          .or(() -> SerializableReadChecker.check(log));
      Files.writeString(file, Timeline.html(log, events, violation));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the timeline to " + file, e);
    }
    return file;
  }

  /** What has been recorded so far. */
  HistoryLog log() {
    return recorder().snapshot();
  }

  private HistoryRecorder recorder() {
    HistoryRecorder recorder = cluster.history();
    if (recorder == null) {
      throw new IllegalStateException("this cluster does not record its history: start it with"
          + " ClusterConfig.Builder.history(true) (or @EtcdTest(history = true)), the default");
    }
    return recorder;
  }

  @Override
  public String toString() {
    HistoryRecorder recorder = cluster.history();
    return recorder == null ? "History[off]"
        : "History[" + recorder.operationCount() + " operations]";
  }
}
