package dev.fakeetcd.internal.raft.raftpb;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A cluster configuration: the voting members and the learners (disjoint sets of node ids,
 * immutable and sorted, so iteration order is deterministic).
 */
public record ConfState(SortedSet<Long> voters, SortedSet<Long> learners) {

  /** No members at all: the configuration of a node that has not learned one yet. */
  public static final ConfState EMPTY = new ConfState(new TreeSet<>(), new TreeSet<>());

  public ConfState {
    voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
    learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
    for (long id : voters) {
      if (id == 0) {
        throw new IllegalArgumentException("node id 0 is reserved");
      }
      if (learners.contains(id)) {
        throw new IllegalArgumentException("node " + id + " is both voter and learner");
      }
    }
    if (learners.contains(0L)) {
      throw new IllegalArgumentException("node id 0 is reserved");
    }
  }

  /** A configuration with the given voters and no learners. */
  public static ConfState ofVoters(Collection<Long> voters) {
    return new ConfState(new TreeSet<>(voters), new TreeSet<>());
  }

  /** Whether {@code id} is a voter or a learner. */
  public boolean isMember(long id) {
    return voters.contains(id) || learners.contains(id);
  }
}
