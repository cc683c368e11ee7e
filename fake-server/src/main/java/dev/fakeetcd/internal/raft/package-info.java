/**
 * The Raft core of fake-etcd: a pure, deterministic Raft state machine behaving like etcd's raft
 * library. {@link dev.fakeetcd.internal.raft.RaftNode} is driven by its host through {@code
 * tick()}, {@code step(Message)}, {@code propose(...)} and the {@link
 * dev.fakeetcd.internal.raft.Ready} / {@code advance} cycle; {@link
 * dev.fakeetcd.internal.raft.MemoryRaftStorage} is a member's durable disk, kept across simulated
 * crashes. Nothing here uses threads, clocks or I/O.
 */
package dev.fakeetcd.internal.raft;
