package dev.fakeetcd.internal.raft;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfChangeType;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.raft.tracker.Progress;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.function.LongSupplier;

/**
 * Validates and applies membership changes to a node's configuration (etcd's raft
 * {@code confchange/}): the voters, the learners and a {@link Progress} for each of them, which it
 * changes in place. Only simple changes, one at a time; there are no joint configurations. What a
 * change means for the node's role (a removed leader steps down) stays with {@link RaftNode}.
 */
final class ConfChanger {

  private final SortedSet<Long> voters;
  private final SortedSet<Long> learners;
  private final SortedMap<Long, Progress> progress;
  private final LongSupplier lastIndex;
  private final int maxInflight;

  ConfChanger(SortedSet<Long> voters, SortedSet<Long> learners,
      SortedMap<Long, Progress> progress, LongSupplier lastIndex, int maxInflight) {
    this.voters = voters;
    this.learners = learners;
    this.progress = progress;
    this.lastIndex = lastIndex;
    this.maxInflight = maxInflight;
  }

  /**
   * Refuses a change the leader must not propose: demoting a voter to learner, removing the last
   * voter.
   */
  void validate(ConfChange change) {
    if (change.type() == ConfChangeType.ADD_LEARNER_NODE && voters.contains(change.nodeId())) {
      throw new ProposalDroppedException("cannot demote voter " + change.nodeId() + " to learner");
    }
    if (change.type() == ConfChangeType.REMOVE_NODE && voters.size() == 1
        && voters.contains(change.nodeId())) {
      throw new ProposalDroppedException("cannot remove the last voter " + change.nodeId());
    }
  }

  /**
   * Applies a committed change. Adding an existing member, or removing an absent one, changes
   * nothing; ADD_LEARNER_NODE for a voter is ignored (no demotion); UPDATE_NODE never changes the
   * configuration.
   */
  void apply(ConfChange change) {
    long node = change.nodeId();
    switch (change.type()) {
      case ADD_NODE -> {
        learners.remove(node);
        voters.add(node);
        addProgress(node, false);
      }
      case ADD_LEARNER_NODE -> {
        if (!voters.contains(node)) {
          learners.add(node);
          addProgress(node, true);
        }
      }
      case REMOVE_NODE -> {
        voters.remove(node);
        learners.remove(node);
        progress.remove(node);
      }
      case UPDATE_NODE -> {
        // etcd's raft leaves its tracker as it is, then switches to that same config.
      }
    }
  }

  /** Replaces the whole configuration with {@code cs} (from a snapshot), with fresh progress. */
  void restore(ConfState cs) {
    voters.clear();
    learners.clear();
    progress.clear();
    voters.addAll(cs.voters());
    learners.addAll(cs.learners());
    for (long v : cs.voters()) {
      addProgress(v, false);
    }
    for (long l : cs.learners()) {
      addProgress(l, true);
    }
  }

  ConfState confState() {
    return new ConfState(voters, learners);
  }

  private void addProgress(long node, boolean learner) {
    Progress pr = progress.get(node);
    if (pr != null) {
      pr.learner = learner;
      return;
    }
    // Probe from the last index; "recently active" so check-quorum gives it a full timeout.
    pr = new Progress(Math.max(lastIndex.getAsLong(), 1), learner, maxInflight);
    pr.recentActive = true;
    progress.put(node, pr);
  }
}
