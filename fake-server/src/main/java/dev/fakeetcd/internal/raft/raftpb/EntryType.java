package dev.fakeetcd.internal.raft.raftpb;

/** What a log {@link Entry} carries. */
public enum EntryType {
  /** Opaque host data (or empty: the entry a new leader appends). */
  NORMAL,
  /** An encoded {@link ConfChange} (see {@link ConfChange#decode(byte[])}). */
  CONF_CHANGE
}
