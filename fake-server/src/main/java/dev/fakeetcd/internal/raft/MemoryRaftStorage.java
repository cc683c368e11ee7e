package dev.fakeetcd.internal.raft;

import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.HardState;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link RaftStorage}: the simulated "disk" of one member, which survives a
 * simulated crash (keep the instance, build a new {@link RaftNode} over it). As in etcd, taking a
 * snapshot ({@link #createSnapshot}) and discarding log entries ({@link #compact}) are separate
 * steps, so a host can keep some entries behind the snapshot for slow followers. Not thread-safe.
 */
public final class MemoryRaftStorage implements RaftStorage {

  private HardState hardState = HardState.EMPTY;
  private Snapshot snapshot = Snapshot.EMPTY;
  /** Index and term of the last compacted entry (the entry before the first stored one). */
  private long compactedIndex;
  private long compactedTerm;
  /** entries.get(i) has index compactedIndex + 1 + i. */
  private final ArrayList<Entry> entries = new ArrayList<>();

  @Override
  public HardState hardState() {
    return hardState;
  }

  @Override
  public Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public long firstIndex() {
    return compactedIndex + 1;
  }

  @Override
  public long lastIndex() {
    return compactedIndex + entries.size();
  }

  @Override
  public long term(long index) {
    if (index == compactedIndex) {
      return compactedTerm;
    }
    checkStored(index, index + 1);
    return entries.get(offset(index)).term();
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxSize) {
    checkStored(lo, hi);
    List<Entry> out = new ArrayList<>();
    long size = 0;
    for (long i = lo; i < hi; i++) {
      Entry e = entries.get(offset(i));
      size += e.size();
      if (!out.isEmpty() && size > maxSize) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /**
   * Persists everything a {@link Ready} asks to persist, in the required order (snapshot, hard
   * state, entries).
   */
  public void persist(Ready ready) {
    if (ready.snapshot() != null) {
      applySnapshot(ready.snapshot());
    }
    if (ready.hardState() != null) {
      setHardState(ready.hardState());
    }
    append(ready.entries());
  }

  public void setHardState(HardState state) {
    hardState = state;
  }

  /**
   * Appends consecutive entries. An entry at an index already stored replaces it and everything
   * after it; entries at or below the compacted index are ignored.
   */
  void append(List<Entry> newEntries) {
    for (Entry e : newEntries) {
      if (e.index() <= compactedIndex) {
        continue;
      }
      if (e.index() > lastIndex() + 1) {
        throw new IllegalArgumentException("gap: appending " + e.index() + " after " + lastIndex());
      }
      int pos = offset(e.index());
      if (pos < entries.size()) {
        entries.subList(pos, entries.size()).clear();
      }
      entries.add(e);
    }
  }

  /**
   * Replaces the whole log with a snapshot received from the leader. A snapshot not newer than the
   * current one is ignored.
   */
  public void applySnapshot(Snapshot snap) {
    if (snap.index() <= snapshot.index()) {
      return;
    }
    snapshot = snap;
    compactedIndex = snap.index();
    compactedTerm = snap.term();
    entries.clear();
  }

  /**
   * Records a snapshot of the host state machine taken at applied index {@code index}, which must
   * be stored and newer than the current snapshot. The log is not touched (see {@link
   * #compact(long)}).
   *
   * @return the new snapshot, which the leader sends to peers that need compacted entries
   */
  public Snapshot createSnapshot(long index, ConfState confState, byte[] data) {
    if (index <= snapshot.index() || index > lastIndex()) {
      throw new IllegalArgumentException("snapshot index " + index + " outside ("
          + snapshot.index() + ", " + lastIndex() + "]");
    }
    snapshot = new Snapshot(index, term(index), confState, data);
    return snapshot;
  }

  /**
   * Discards the entries up to and including {@code index}, which must not be beyond the snapshot
   * index (the log after the snapshot is what a restart replays). Already compacted: no-op.
   */
  public void compact(long index) {
    if (index <= compactedIndex) {
      return;
    }
    if (index > snapshot.index()) {
      throw new IllegalArgumentException(
          "cannot compact to " + index + " beyond snapshot " + snapshot.index());
    }
    long term = term(index);
    entries.subList(0, offset(index) + 1).clear();
    compactedIndex = index;
    compactedTerm = term;
  }

  private int offset(long index) {
    return (int) (index - compactedIndex - 1);
  }

  private void checkStored(long lo, long hi) {
    if (lo < firstIndex() || hi > lastIndex() + 1 || lo > hi) {
      throw new IllegalArgumentException("range [" + lo + ", " + hi + ") outside stored ["
          + firstIndex() + ", " + lastIndex() + "]");
    }
  }
}
