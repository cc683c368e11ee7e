package dev.fakeetcd.internal.sim;

/**
 * A message between members that is not Raft's: etcd's peer HTTP requests (lease renewals and
 * time-to-live look-ups forwarded to the leader) travel the same links, so they meet the same cuts,
 * latency, loss and holds. Sent with {@link SimMember#sendPeer}.
 */
public interface PeerMessage {

  /** Arrived at its running member; runs in that member's order, after what it was busy with. */
  void arrived();

  /** Lost on the way (cut link, loss, member down), as the sender's transport would notice. */
  void lost();
}
