package dev.fakeetcd.internal.raft;

import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's view of its log: what storage holds plus what is not yet persisted (the "unstable"
 * tail and a snapshot received from the leader), the commit index and the applied index.
 */
final class RaftLog {

  /** Term returned for a position that is compacted away or beyond the log. */
  static final long UNAVAILABLE = -1;

  private final RaftStorage storage;
  /** A snapshot received from the leader and not yet persisted, or null. */
  private Snapshot pendingSnapshot;
  /** Entries not yet persisted; unstable.get(i) has index unstableOffset + i. */
  private final ArrayList<Entry> unstable = new ArrayList<>();
  private long unstableOffset;
  private long committed;
  private long applied;

  RaftLog(RaftStorage storage) {
    this.storage = storage;
    this.unstableOffset = storage.lastIndex() + 1;
    this.committed = storage.firstIndex() - 1;
    this.applied = storage.firstIndex() - 1;
  }

  long committed() {
    return committed;
  }

  long applied() {
    return applied;
  }

  long firstIndex() {
    return pendingSnapshot != null ? pendingSnapshot.index() + 1 : storage.firstIndex();
  }

  long lastIndex() {
    if (!unstable.isEmpty()) {
      return unstableOffset + unstable.size() - 1;
    }
    return pendingSnapshot != null ? pendingSnapshot.index() : storage.lastIndex();
  }

  long lastTerm() {
    return term(lastIndex());
  }

  /**
   * The term at {@code index}, or {@link #UNAVAILABLE} if compacted away or beyond the last index.
   */
  long term(long index) {
    if (index < firstIndex() - 1 || index > lastIndex()) {
      return UNAVAILABLE;
    }
    if (pendingSnapshot != null && index == pendingSnapshot.index()) {
      return pendingSnapshot.term();
    }
    if (index >= unstableOffset && !unstable.isEmpty()) {
      return unstable.get((int) (index - unstableOffset)).term();
    }
    return storage.term(index);
  }

  boolean matchTerm(long index, long term) {
    return term(index) == term;
  }

  /**
   * Whether a candidate whose log ends at (lastIndex, lastTerm) is at least as up to date as this
   * log.
   */
  boolean isUpToDate(long lastIndex, long lastTerm) {
    long myTerm = lastTerm();
    return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= lastIndex());
  }

  /**
   * Entries in [lo, hi), limited to {@code maxSize} bytes (at least one). Requires firstIndex &lt;=
   * lo.
   */
  List<Entry> slice(long lo, long hi, long maxSize) {
    if (lo < firstIndex() || hi > lastIndex() + 1) {
      throw new IllegalArgumentException("slice [" + lo + ", " + hi + ") outside [" + firstIndex()
          + ", " + lastIndex() + "]");
    }
    List<Entry> out = new ArrayList<>();
    if (lo >= hi) {
      return out;
    }
    long size = 0;
    if (lo < unstableOffset) {
      for (Entry e : storage.entries(lo, Math.min(hi, unstableOffset), maxSize)) {
        size += e.size();
        out.add(e);
      }
      if (out.size() < Math.min(hi, unstableOffset) - lo) {
        return out; // storage stopped at the size limit
      }
    }
    for (long i = Math.max(lo, unstableOffset); i < hi; i++) {
      Entry e = unstable.get((int) (i - unstableOffset));
      size += e.size();
      if (!out.isEmpty() && size > maxSize) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /** Entries from {@code lo} to the end, or null if {@code lo} is compacted away. */
  List<Entry> entriesFrom(long lo, long maxSize) {
    if (lo < firstIndex()) {
      return null;
    }
    return slice(lo, lastIndex() + 1, maxSize);
  }

  /**
   * Appends entries that follow a matching prefix, replacing any conflicting suffix. Returns the
   * new last index.
   */
  long append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return lastIndex();
    }
    long after = entries.get(0).index() - 1;
    if (after < committed) {
      throw new IllegalStateException(
          "appending after " + after + " would overwrite committed " + committed);
    }
    long next = unstableOffset + unstable.size();
    if (after + 1 == next) {
      unstable.addAll(entries);
    } else if (after + 1 <= unstableOffset) {
      // Replaces stored entries too; storage truncates them when these are persisted.
      unstableOffset = after + 1;
      unstable.clear();
      unstable.addAll(entries);
    } else {
      unstable.subList((int) (after + 1 - unstableOffset), unstable.size()).clear();
      unstable.addAll(entries);
    }
    return lastIndex();
  }

  /**
   * The follower side of MSG_APP: if the entry at {@code prevIndex} has {@code prevTerm}, appends
   * the entries (dropping those already present, truncating at the first conflict), advances the
   * commit index, and returns the index of the last new entry; otherwise returns -1.
   */
  long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> entries) {
    if (!matchTerm(prevIndex, prevTerm)) {
      return -1;
    }
    long lastNew = prevIndex + entries.size();
    long conflict = findConflict(entries);
    if (conflict != 0) {
      if (conflict <= committed) {
        throw new IllegalStateException(
            "entry " + conflict + " conflicts with committed entry (committed "
            + committed + ")");
      }
      append(entries.subList((int) (conflict - prevIndex - 1), entries.size()));
    }
    commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /**
   * Index of the first entry whose term differs from this log's (or that is new), 0 if all are
   * present.
   */
  private long findConflict(List<Entry> entries) {
    for (Entry e : entries) {
      if (!matchTerm(e.index(), e.term())) {
        return e.index();
      }
    }
    return 0;
  }

  /**
   * The largest index &lt;= {@code index} whose term is &lt;= {@code term} (or the first position
   * whose term is not available): where a leader with entries of {@code term} at {@code index}
   * could resume, skipping a whole conflicting term per round trip.
   */
  long findConflictByTerm(long index, long term) {
    for (long i = index; i > 0; i--) {
      long t = term(i);
      if (t == UNAVAILABLE || t <= term) {
        return i;
      }
    }
    return 0;
  }

  void commitTo(long index) {
    if (index > committed) {
      if (index > lastIndex()) {
        throw new IllegalStateException("commit " + index + " beyond last index " + lastIndex());
      }
      committed = index;
    }
  }

  /**
   * Commits {@code index} if it is newer and its entry is of {@code term} (Raft only counts
   * replicas of current-term entries).
   */
  boolean maybeCommit(long index, long term) {
    if (index > committed && term(index) == term) {
      commitTo(index);
      return true;
    }
    return false;
  }

  void appliedTo(long index) {
    if (index > committed) {
      throw new IllegalStateException("applied " + index + " beyond committed " + committed);
    }
    applied = Math.max(applied, index);
  }

  /** Committed entries not yet handed to the host. */
  List<Entry> nextCommittedEntries() {
    long lo = Math.max(applied + 1, firstIndex());
    if (committed + 1 <= lo) {
      return List.of();
    }
    return slice(lo, committed + 1, Long.MAX_VALUE);
  }

  boolean hasNextCommittedEntries() {
    return committed + 1 > Math.max(applied + 1, firstIndex());
  }

  List<Entry> unstableEntries() {
    return List.copyOf(unstable);
  }

  Snapshot pendingSnapshot() {
    return pendingSnapshot;
  }

  /** The snapshot a leader sends to peers that need compacted entries. */
  Snapshot snapshot() {
    return pendingSnapshot != null ? pendingSnapshot : storage.snapshot();
  }

  /** The host persisted entries up to {@code index} (whose term was {@code term}). */
  void stableTo(long index, long term) {
    if (index >= unstableOffset && index < unstableOffset + unstable.size()
        && unstable.get((int) (index - unstableOffset)).term() == term) {
      unstable.subList(0, (int) (index + 1 - unstableOffset)).clear();
      unstableOffset = index + 1;
    }
  }

  /** The host persisted and restored the snapshot at {@code index}. */
  void snapshotApplied(long index) {
    if (pendingSnapshot != null && pendingSnapshot.index() == index) {
      pendingSnapshot = null;
    }
    applied = Math.max(applied, index);
  }

  /** Replaces the log with a snapshot from the leader. */
  void restore(Snapshot snapshot) {
    pendingSnapshot = snapshot;
    unstable.clear();
    unstableOffset = snapshot.index() + 1;
    committed = snapshot.index();
  }

  /** Restores the commit and applied indexes recorded in storage and by the host on restart. */
  void recover(long commit, long appliedIndex) {
    if (commit < committed || commit > lastIndex()) {
      throw new IllegalStateException(
          "stored commit " + commit + " outside [" + committed + ", " + lastIndex() + "]");
    }
    committed = commit;
    if (appliedIndex > commit) {
      throw new IllegalStateException("applied " + appliedIndex + " beyond commit " + commit);
    }
    applied = Math.max(applied, appliedIndex);
  }
}
