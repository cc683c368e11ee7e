package dev.fakeetcd.internal.raft;

/**
 * A proposal was not accepted: this node is not the leader, a leadership transfer is in progress,
 * the node is not a member, or (for a {@link ConfChange}) another configuration change is still
 * pending. Mirrors etcd's {@code ErrProposalDropped}; the caller decides whether to retry
 * elsewhere. Nothing was appended.
 */
public final class ProposalDroppedException extends RuntimeException {

  public ProposalDroppedException(String reason) {
    super("raft proposal dropped: " + reason);
  }
}
