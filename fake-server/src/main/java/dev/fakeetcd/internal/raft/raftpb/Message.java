package dev.fakeetcd.internal.raft.raftpb;

import java.util.Arrays;
import java.util.List;

/**
 * A message between Raft nodes. Immutable once built (the network may deliver it several times,
 * to a node that must not be able to affect another through it). Fields that a type does not use
 * are 0 / false / empty / {@code null}:
 * <ul>
 *   <li>{@code logTerm}, {@code index}: MSG_APP — position of the entry preceding {@code entries};
 *       MSG_APP_RESP — the index acknowledged, or (when {@code reject}) the index that was
 *       rejected, with {@code rejectHint} the follower's last index and {@code logTerm} the term at
 *       that hint; (PRE_)VOTE — the candidate's last log term and index; READ_INDEX_RESP — the
 *       read index; TRANSFER_LEADER — the transferee's id.</li>
 *   <li>{@code commit}: MSG_APP / MSG_HEARTBEAT — the leader's commit index.</li>
 *   <li>{@code snapshot}: MSG_SNAP only.</li>
 *   <li>{@code entries}: MSG_APP — the entries to append; MSG_PROP — the one entry proposed (its
 *       type and data; term and index 0).</li>
 *   <li>{@code context}: READ_INDEX(_RESP) — the caller's read context; heartbeats and their
 *       responses — the leader's read-request sequence number; the votes of a campaign triggered by
 *       MSG_TIMEOUT_NOW — a marker that lets them through the recipients' leader lease.</li>
 * </ul>
 * READ_INDEX is sent with term 0: like etcd, the leader treats a forwarded request as local input.
 * {@code context} is copied on construction and by its accessor; equality compares its bytes.
 */
public record Message(
    MessageType type,
    long from,
    long to,
    long term,
    long logTerm,
    long index,
    List<Entry> entries,
    long commit,
    Snapshot snapshot,
    boolean reject,
    long rejectHint,
    byte[] context) {

  private static final byte[] NONE = new byte[0];

  public Message {
    if (type == null) {
      throw new IllegalArgumentException("type");
    }
    entries = entries == null ? List.of() : List.copyOf(entries);
    context = context == null || context.length == 0 ? NONE : context.clone();
  }

  /** A copy of the bytes (the record stays immutable, so messages can be shared and duplicated). */
  public byte[] context() {
    return context.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message m && m.type == type && m.from == from && m.to == to
        && m.term == term && m.logTerm == logTerm && m.index == index
        && m.entries.equals(entries) && m.commit == commit
        && java.util.Objects.equals(m.snapshot, snapshot) && m.reject == reject
        && m.rejectHint == rejectHint && Arrays.equals(m.context, context);
  }

  @Override
  public int hashCode() {
    return ((type.hashCode() * 31 + Long.hashCode(from)) * 31 + Long.hashCode(to)) * 31
        + Long.hashCode(term) + 17 * Long.hashCode(index);
  }

  @Override
  public String toString() {
    return type + " " + from + "->" + to + contents();
  }

  /** The type and what the message carries, without its endpoints (as a trace names them). */
  public String withoutEndpoints() {
    return type + contents();
  }

  private String contents() {
    StringBuilder sb = new StringBuilder().append(" t").append(term);
    if (logTerm != 0 || index != 0) {
      sb.append(" log=").append(logTerm).append('/').append(index);
    }
    if (!entries.isEmpty()) {
      sb.append(" ents=").append(entries.get(0).index()).append("..")
          .append(entries.get(entries.size() - 1).index());
    }
    if (commit != 0) {
      sb.append(" commit=").append(commit);
    }
    if (snapshot != null) {
      sb.append(" snap=").append(snapshot.term()).append('/').append(snapshot.index());
    }
    if (reject) {
      sb.append(" REJECT hint=").append(rejectHint);
    }
    if (context.length != 0) {
      sb.append(" ctx=").append(context.length).append('B');
    }
    return sb.toString();
  }
}
