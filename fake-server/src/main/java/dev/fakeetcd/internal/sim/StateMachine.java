package dev.fakeetcd.internal.sim;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfState;

/**
 * What a member applies committed log entries to (the MVCC store, in the etcd server). Each member
 * has its own instance, made by the cluster's factory; it is volatile: a crash discards it, and a
 * restart rebuilds a fresh one from the durable snapshot plus replay of the committed log.
 * Instances are only ever called from the simulation, one call at a time, in log order.
 */
public interface StateMachine {

  /** Applies the normal entry at {@code index}; {@code data} is empty for a new leader's entry. */
  void apply(long index, long term, byte[] data);

  /**
   * Whether the committed membership change at {@code index} takes effect; asked before Raft
   * applies it. etcd checks a change against its member list when it applies it, and Raft then
   * applies nothing for a refused one. Must give every member (and every replay) the same answer.
   */
  default boolean admitConfChange(long index, ConfChange change) {
    return true;
  }

  /**
   * Applies a membership change; {@code confState} is the configuration now in force (unchanged
   * if the change was not admitted).
   */
  void applyConfChange(long index, long term, ConfChange change, ConfState confState);

  /** The state after the last applied entry, as bytes that {@link #restore} accepts. */
  byte[] snapshot();

  /**
   * The member has learned of a new leader ({@code leaderId} may be the member itself), as etcd's
   * server notices it; called inside Raft processing, so it must not call back into the member.
   */
  default void leaderChanged(long leaderId, long term) {
  }

  /**
   * Replaces the whole state with a snapshot taken at {@code index} (possibly on another member).
   */
  void restore(long index, long term, byte[] snapshot);
}
