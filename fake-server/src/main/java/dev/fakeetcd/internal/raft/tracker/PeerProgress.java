package dev.fakeetcd.internal.raft.tracker;

/**
 * The leader's view of one peer's log.
 *
 * @param match        highest index known to be replicated on the peer
 * @param next         next index the leader will send
 * @param state        replication mode
 * @param learner      whether the peer is a learner
 * @param recentActive whether the peer was heard from since the last check-quorum round
 */
public record PeerProgress(
    long match, long next, ProgressState state, boolean learner, boolean recentActive) {
}
