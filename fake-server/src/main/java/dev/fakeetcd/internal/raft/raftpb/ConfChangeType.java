package dev.fakeetcd.internal.raft.raftpb;

/** The kinds of single-step membership change, as in etcd's ConfChange (v1). */
public enum ConfChangeType {
  /** Adds a voter, or promotes an existing learner to voter. */
  ADD_NODE,
  /** Adds a learner (a non-voting member that receives the log). */
  ADD_LEARNER_NODE,
  /** Removes a voter or learner. */
  REMOVE_NODE,
  /**
   * Changes no Raft configuration: host data about a member (etcd: its peer URLs) ordered in the
   * log and applied by every member.
   */
  UPDATE_NODE
}
