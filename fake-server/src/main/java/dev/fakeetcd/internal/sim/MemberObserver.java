package dev.fakeetcd.internal.sim;

import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.MemoryRaftStorage;
import dev.fakeetcd.internal.raft.Ready;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;

/** Sees every durable and applied state change of every member, as it happens. */
interface MemberObserver {

  MemberObserver NONE = new MemberObserver() { };

  /** The member (re)started with its state machine at {@code appliedIndex}. */
  default void restarted(SimMember<?> member, long appliedIndex) {
  }

  /** The member persisted {@code ready} to {@code storage}; {@code term} is its term now. */
  default void persisted(SimMember<?> member, MemoryRaftStorage storage, Ready ready, long term) {
  }

  /** The member restored its state machine from a snapshot sent by the leader. */
  default void restored(SimMember<?> member, Snapshot snapshot) {
  }

  /** The member applied one committed entry. */
  default void applied(SimMember<?> member, Entry entry) {
  }
}
