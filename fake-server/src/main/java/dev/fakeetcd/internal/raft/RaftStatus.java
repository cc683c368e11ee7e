package dev.fakeetcd.internal.raft;

import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.raft.tracker.PeerProgress;
import java.util.SortedMap;

/**
 * A snapshot of a node's state, for diagnostics and for checks such as "is this learner in sync".
 *
 * @param progress       per-member replication progress, keyed by node id; empty unless this node
 *                        is leader
 * @param leadTransferee the node leadership is being transferred to, or 0
 */
public record RaftStatus(
    long id,
    long term,
    long vote,
    long commit,
    long applied,
    long leaderId,
    Role role,
    long leadTransferee,
    ConfState confState,
    SortedMap<Long, PeerProgress> progress) {
}
