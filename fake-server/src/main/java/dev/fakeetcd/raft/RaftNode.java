package dev.fakeetcd.raft;

import java.util.Collection;
import java.util.random.RandomGenerator;

/**
 * One Raft participant as a pure, deterministic state machine, behaving like etcd's raft library
 * (RawNode). It holds no threads, reads no clock and does no I/O: time advances only through
 * {@link #tick()}, randomness (election timeouts) comes only from the generator given at
 * construction, and all output is collected in a {@link Ready}. Not thread-safe.
 *
 * <p>Host loop: feed inputs ({@code tick}, {@code step}, {@code propose}, ...), then while
 * {@link #hasReady()}: take {@link #ready()}, handle it as its Javadoc says, call {@link #advance(Ready)}.
 */
public final class RaftNode {

    private RaftNode() {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Starts a member of a brand-new cluster. As in etcd, the initial configuration is written as
     * {@link EntryType#CONF_CHANGE} entries (ADD_NODE per voter, term 1, indexes 1..n, committed),
     * so the host applies them like any later change and members that join later replay them.
     * Every initial member must be bootstrapped with the same voters (in any order).
     *
     * @param storage empty storage (nothing persisted yet)
     * @throws IllegalArgumentException if the storage is not empty or {@code voters} is empty
     */
    public static RaftNode bootstrap(RaftConfig config, RaftStorage storage, RandomGenerator random,
                                     Collection<Long> voters) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Starts from what {@code storage} holds: a restart after a crash (term, vote, commit and log
     * survive; the configuration is the snapshot's, and committed entries after
     * {@link RaftConfig#applied()} are handed out again for the host to re-apply), or a member
     * added to an existing cluster (empty storage: it waits to hear from the leader).
     */
    public static RaftNode start(RaftConfig config, RaftStorage storage, RandomGenerator random) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Advances logical time by one tick: election timeout for followers/candidates, heartbeats and check-quorum for the leader. */
    public void tick() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Delivers a message from the network. Messages for another node, or from an older term, are handled as etcd does (mostly ignored). */
    public void step(Message message) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Proposes {@code data} for the log. Only the leader accepts proposals; nothing is forwarded.
     *
     * @return the index the entry was appended at (it may still be overwritten if leadership is lost before commit)
     * @throws ProposalDroppedException if this node is not the leader or a leadership transfer is in progress
     */
    public long propose(byte[] data) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Proposes a membership change (one at a time, as etcd's simple conf changes). It takes effect on
     * each node when the host applies the committed entry and calls {@link #applyConfChange(ConfChange)}.
     *
     * @return the index of the CONF_CHANGE entry
     * @throws ProposalDroppedException as {@link #propose(byte[])}, or if an earlier change is not yet applied
     *                                  (etcd would instead append an empty entry in its place)
     */
    public long proposeConfChange(ConfChange change) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Requests a read index for a linearizable read; the answer arrives as a {@link ReadState}
     * carrying {@code ctx} in a later {@link Ready}. The leader confirms its leadership with a
     * heartbeat round first (not needed with a single voter). Requests made before the leader has
     * committed an entry of its term are held until it has. A follower forwards the request to the
     * leader. Without a known leader the request is dropped silently (as etcd; callers time out and retry).
     */
    public void readIndex(byte[] ctx) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Asks to move leadership to {@code transferee}. On the leader: once the transferee's log is
     * caught up it is told to campaign at once (MSG_TIMEOUT_NOW); proposals are dropped meanwhile;
     * the transfer is abandoned after an election timeout. On a follower: forwarded to the leader.
     */
    public void transferLeadership(long transferee) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Starts an election now (a pre-vote round first when enabled). Ignored on leaders, learners and non-members. */
    public void campaign() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Whether {@link #ready()} has anything to hand out. */
    public boolean hasReady() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The pending work; hand it back with {@link #advance(Ready)} once handled. Call only once per advance. */
    public Ready ready() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Acknowledges that {@code ready} (the last one returned by {@link #ready()}) was persisted, sent and applied. */
    public void advance(Ready ready) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Applies a committed membership change; the host calls it when it applies the CONF_CHANGE
     * entry. Adding an existing member, or removing an absent one, changes nothing. A leader that is
     * removed steps down.
     *
     * @return the configuration now in force (to record in snapshots)
     */
    public ConfState applyConfChange(ConfChange change) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Tells the leader the last message to {@code peer} could not be delivered: replication to it falls back to probing. */
    public void reportUnreachable(long peer) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Tells the leader whether the snapshot it sent to {@code peer} arrived. */
    public void reportSnapshot(long peer, boolean success) {
        throw new UnsupportedOperationException("skeleton");
    }

    public long id() {
        throw new UnsupportedOperationException("skeleton");
    }

    public long term() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The leader this node knows of in its current term, or 0. */
    public long leaderId() {
        throw new UnsupportedOperationException("skeleton");
    }

    public Role role() {
        throw new UnsupportedOperationException("skeleton");
    }

    public long commitIndex() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Index of the last entry handed out in {@code committedEntries} and acknowledged by {@link #advance(Ready)}. */
    public long appliedIndex() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The configuration currently in force on this node. */
    public ConfState confState() {
        throw new UnsupportedOperationException("skeleton");
    }

    public RaftStatus status() {
        throw new UnsupportedOperationException("skeleton");
    }
}
