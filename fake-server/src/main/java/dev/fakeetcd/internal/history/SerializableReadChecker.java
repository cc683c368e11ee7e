package dev.fakeetcd.internal.history;

import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Sequential consistency of serializable reads, checked on a recorded history: a member answers
 * them from its own state, which only moves forward, so
 * <ul>
 *   <li>on one member, a serializable Range invoked after another completed reads at a revision
 *       no lower (its header's);
 *   <li>each key it returns is as the state at the revision it read had it (the revision it
 *       asked for, else its header's): no write the history proves changed the key after the
 *       returned mod revision and up to that revision, and a put the history proves at that mod
 *       revision wrote the returned value.
 * </ul>
 */
public final class SerializableReadChecker {

  private SerializableReadChecker() {
  }

  /** The first violation in {@code log}, naming the reads, the writes and the seed; or empty. */
  public static Optional<String> check(HistoryLog log) {
    Optional<String> refused = HistoryRecorder.refusal(log);
    if (refused.isPresent()) {
      return refused;
    }
    String range = KVGrpc.getRangeMethod().getFullMethodName();
    TreeMap<Long, List<Operation>> byMember = new TreeMap<>(Long::compareUnsigned);
    for (Operation op : log.operations()) {
      if (op.outcome() == Operation.Outcome.OK && op.method().equals(range)
          && ((RangeRequest) op.request()).getSerializable()) {
        byMember.computeIfAbsent(op.member(), m -> new ArrayList<>()).add(op);
      }
    }
    for (List<Operation> reads : byMember.values()) {
      String problem = backwards(reads);
      if (problem != null) {
        return violation(log, problem);
      }
    }
    KnownWrites known = KnownWrites.fromWrites(log);
    for (List<Operation> reads : byMember.values()) {
      for (Operation read : reads) {
        String problem = stale(read, known);
        if (problem != null) {
          return violation(log, problem);
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> violation(HistoryLog log, String problem) {
    return Optional.of("serializable reads not sequentially consistent (seed " + log.seed()
        + "): " + problem);
  }

  /** The first read, in invocation order, below a read of the same member completed before it. */
  private static String backwards(List<Operation> reads) {
    List<Operation> byInvoke = new ArrayList<>(reads);
    byInvoke.sort(Comparator.comparingLong(Operation::invokeSeq));
    List<Operation> byComplete = new ArrayList<>(reads);
    byComplete.sort(Comparator.comparingLong(Operation::completeSeq));
    Operation highest = null;
    int completed = 0;
    for (Operation read : byInvoke) {
      while (completed < byComplete.size()
          && byComplete.get(completed).completeSeq() < read.invokeSeq()) {
        Operation earlier = byComplete.get(completed++);
        if (highest == null || revision(earlier) > revision(highest)) {
          highest = earlier;
        }
      }
      if (highest != null && revision(read) < revision(highest)) {
        return Describe.operation(read) + " read at revision " + revision(read) + ", below the"
            + " revision " + revision(highest) + " that " + Describe.operation(highest)
            + " had read before it was invoked";
      }
    }
    return null;
  }

  /**
   * The first key {@code read} returned that a known write had changed by the revision it read at
   * (the one it asked for, else its header's).
   */
  private static String stale(Operation read, KnownWrites known) {
    RangeRequest request = (RangeRequest) read.request();
    long at = request.getRevision() > 0 ? request.getRevision() : revision(read);
    boolean values = !request.getKeysOnly();
    for (KeyValue kv : ((RangeResponse) read.response()).getKvsList()) {
      String returned = Describe.operation(read) + " at revision " + at + " returned "
          + Describe.key(kv.getKey()) + " with mod revision " + kv.getModRevision();
      if (kv.getModRevision() > at) {
        return returned + ", above its own revision";
      }
      var changes = known.of(kv.getKey());
      Map.Entry<Long, KnownWrites.Change> later =
          changes.subMap(kv.getModRevision(), false, at, true).firstEntry();
      if (later != null) {
        KnownWrites.Change c = later.getValue();
        return returned + ", but " + c.source() + " had changed it (" + c.type()
            + ") at revision " + c.revision();
      }
      KnownWrites.Change written = changes.get(kv.getModRevision());
      if (values && written != null && written.value() != null
          && !written.value().equals(kv.getValue())) {
        return returned + " and value \"" + kv.getValue().toStringUtf8() + "\", but "
            + written.source() + " wrote \"" + written.value().toStringUtf8()
            + "\" at that revision";
      }
    }
    return null;
  }

  private static long revision(Operation read) {
    return ((RangeResponse) read.response()).getHeader().getRevision();
  }
}
