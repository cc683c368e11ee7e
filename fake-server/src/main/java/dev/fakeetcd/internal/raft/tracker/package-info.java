/**
 * The leader's view of each peer's replication, as etcd's raft {@code tracker}:
 * {@link dev.fakeetcd.internal.raft.tracker.Progress} (match and next index, probe / replicate /
 * snapshot state, the inflight window) and its read-only
 * {@link dev.fakeetcd.internal.raft.tracker.PeerProgress} view for status reports.
 *
 * <p>Not API. May import only the JDK.
 */
package dev.fakeetcd.internal.raft.tracker;
