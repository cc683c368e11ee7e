/**
 * The Raft core: a pure, deterministic Raft state machine behaving like etcd's raft library
 * (etcd-io/raft), laid out as it is. {@link dev.fakeetcd.internal.raft.RaftNode} is the role state
 * machine (tick, step, propose, ready/advance; raft.go and rawnode.go), driven by its host through
 * the {@link dev.fakeetcd.internal.raft.Ready} / {@code advance} cycle; ReadOnly keeps ReadIndex
 * requests (read_only.go), ConfChanger validates and applies membership changes (confchange/),
 * MessageBuilder builds outgoing messages, RaftLog is the log over its storage (log.go), and
 * {@link dev.fakeetcd.internal.raft.MemoryRaftStorage} is a member's durable disk, kept across
 * simulated crashes. Nothing here uses threads, clocks or I/O.
 *
 * <p>Not API. May import only {@code dev.fakeetcd.internal.raft.raftpb},
 * {@code dev.fakeetcd.internal.raft.tracker} and the JDK; its host is
 * {@code dev.fakeetcd.internal.sim}.
 */
package dev.fakeetcd.internal.raft;
