package dev.fakeetcd.internal.raft.tracker;

/** How a leader replicates to one peer (as in etcd's tracker.StateType). */
public enum ProgressState {
  /**
   * The leader does not know the peer's last index: one append in flight at a time until one is
   * acknowledged.
   */
  PROBE,
  /** Appends stream optimistically, bounded by the inflight window. */
  REPLICATE,
  /** A snapshot is on its way; appends are paused until it is reported or acknowledged. */
  SNAPSHOT
}
