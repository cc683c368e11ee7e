package dev.fakeetcd.internal.raft.raftpb;

/**
 * Types of the messages that travel between Raft nodes. Local inputs (election timeout,
 * proposals, heartbeat timer, unreachable/snapshot reports) are methods on {@link RaftNode},
 * not messages.
 */
public enum MessageType {
  /** Leader to follower: entries to append (possibly none) and the leader's commit index. */
  MSG_APP,
  MSG_APP_RESP,
  MSG_VOTE,
  MSG_VOTE_RESP,
  MSG_PRE_VOTE,
  MSG_PRE_VOTE_RESP,
  /** Leader to follower: a snapshot, sent when the entries the follower needs were compacted. */
  MSG_SNAP,
  MSG_HEARTBEAT,
  MSG_HEARTBEAT_RESP,
  /**
   * Follower to leader: a forwarded proposal, one entry (type and data) in {@code entries}; term 0
   * as for READ_INDEX.
   */
  MSG_PROP,
  /** Follower to leader: a forwarded ReadIndex request. */
  MSG_READ_INDEX,
  MSG_READ_INDEX_RESP,
  /** Leader to transferee: campaign now, even though the leader's lease has not expired. */
  MSG_TIMEOUT_NOW,
  /**
   * Follower to leader: a forwarded leadership transfer request (the transferee's id is in {@code
   * index}).
   */
  MSG_TRANSFER_LEADER
}
