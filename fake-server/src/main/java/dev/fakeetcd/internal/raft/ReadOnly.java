package dev.fakeetcd.internal.raft;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The leader's bookkeeping of ReadIndex requests (etcd's raft {@code read_only.go}): requests
 * waiting for a heartbeat quorum to confirm leadership, keyed by the sequence number their
 * heartbeat round carries as context, and requests held until the leader has committed an entry of
 * its term. The decisions (when to hold, when a quorum has answered) stay with {@link RaftNode}.
 */
final class ReadOnly {

  /** A read request; {@code from} is the requester (the leader itself or a follower). */
  record Request(long from, byte[] ctx) {}

  /** A request waiting for a heartbeat quorum, to be answered with {@code index}. */
  record Pending(long index, Request request, TreeSet<Long> acks) {}

  /** Unique for the node's lifetime, so that a late answer never confirms a newer round. */
  private long seq;
  private final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();
  private final List<Request> held = new ArrayList<>();

  /** Holds a request until the leader has committed an entry of its term. */
  void hold(long from, byte[] ctx) {
    held.add(new Request(from, ctx));
  }

  /** Takes every held request out, oldest first. */
  List<Request> releaseHeld() {
    List<Request> released = new ArrayList<>(held);
    held.clear();
    return released;
  }

  /** Starts waiting for a heartbeat quorum; {@code self} has acknowledged already. */
  void add(long index, long from, byte[] ctx, long self) {
    TreeSet<Long> acks = new TreeSet<>();
    acks.add(self);
    pending.put(++seq, new Pending(index, new Request(from, ctx), acks));
  }

  /** The context of the next heartbeat round: the latest sequence number, or null if none waits. */
  byte[] heartbeatContext() {
    return pending.isEmpty() ? null : ByteBuffer.allocate(Long.BYTES).putLong(seq).array();
  }

  /**
   * Records that {@code from} answered the heartbeat carrying {@code ctx}. Once the acknowledgers
   * of that round satisfy {@code quorum}, leadership is confirmed as of that request, hence also
   * for every earlier one: returns them all (removed), oldest first; otherwise none.
   */
  List<Pending> ack(long from, byte[] ctx, Predicate<Set<Long>> quorum) {
    if (ctx.length != Long.BYTES) {
      return List.of();
    }
    long acked = ByteBuffer.wrap(ctx).getLong();
    Pending read = pending.get(acked);
    if (read == null) {
      return List.of();
    }
    read.acks().add(from);
    if (!quorum.test(read.acks())) {
      return List.of();
    }
    List<Pending> confirmed = new ArrayList<>();
    Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Pending> e = it.next();
      if (e.getKey() > acked) {
        break;
      }
      it.remove();
      confirmed.add(e.getValue());
    }
    return confirmed;
  }

  /** Forgets every request (the node's role or term changed). */
  void reset() {
    pending.clear();
    held.clear();
  }
}
