package dev.fakeetcd.internal.raft;

import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.HardState;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import java.util.List;

/**
 * The durable state a {@link RaftNode} reads: hard state, latest snapshot and the log after it.
 * The node only reads; the host writes what each {@link Ready} asks it to persist. The node never
 * asks for entries outside [{@link #firstIndex()}, {@link #lastIndex()}], nor for terms outside
 * [{@code firstIndex() - 1}, {@code lastIndex()}].
 */
public interface RaftStorage {

  /** The persisted term, vote and commit index ({@link HardState#EMPTY} if none). */
  HardState hardState();

  /**
   * The latest snapshot ({@link Snapshot#EMPTY} if none); its conf state is the configuration at
   * its index.
   */
  Snapshot snapshot();

  /**
   * Index of the first stored entry. Entries up to {@code firstIndex() - 1} were compacted away;
   * that index is at most the snapshot's, and its term is still known.
   */
  long firstIndex();

  /** Index of the last stored entry ({@code firstIndex() - 1} if there is none). */
  long lastIndex();

  /** Term of the entry at {@code index}, for {@code firstIndex() - 1 <= index <= lastIndex()}. */
  long term(long index);

  /**
   * Entries in [lo, hi), stopping early once their total size would exceed {@code maxSize}
   * (but always at least one entry when lo &lt; hi).
   */
  List<Entry> entries(long lo, long hi, long maxSize);
}
