package dev.fakeetcd.internal.raft;

/** The role a {@link RaftNode} currently plays. */
public enum Role {
  FOLLOWER,
  /** Asking for pre-votes without bumping its term (only with {@link RaftConfig#preVote()}). */
  PRE_CANDIDATE,
  CANDIDATE,
  LEADER
}
