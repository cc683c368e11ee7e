/**
 * Raft's wire and storage types, as etcd's {@code raftpb}: messages between nodes
 * ({@link dev.fakeetcd.internal.raft.raftpb.Message}), log entries, snapshots, the hard state and
 * membership changes with the configuration they produce. Immutable values.
 *
 * <p>Not API. May import only the JDK.
 */
package dev.fakeetcd.internal.raft.raftpb;
