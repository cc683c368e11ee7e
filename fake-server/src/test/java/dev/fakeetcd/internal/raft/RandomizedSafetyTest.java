package dev.fakeetcd.internal.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.raft.raftpb.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Runs seeded random schedules (message reordering, loss, duplication, partitions, crashes and
 * restarts, compaction, leader transfers, membership changes: node 6 joins as learner and is
 * promoted, node 5 is removed) and checks Raft's safety properties after every step.
 */
class RandomizedSafetyTest {

  private static final int SEEDS = 40;
  private static final int STEPS = 3000;

  @Test
  void randomSchedules_keepElectionSafetyAndStateMachineSafety() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      runSchedule(seed);
    }
  }

  private static void runSchedule(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    TestNetwork net = TestNetwork.bootstrap(seed, 1, 2, 3, 4, 5);
    net.addEmptyMember(6);
    TreeMap<Long, Long> leaderOfTerm = new TreeMap<>();
    List<String> committed = new ArrayList<>();
    int proposals = 0;

    for (int step = 0; step < STEPS; step++) {
      long id = 1 + r.nextInt(6);
      int action = r.nextInt(100);
      if (action < 45) {
        if (!net.inFlight.isEmpty()) {
          int i = r.nextInt(net.inFlight.size());
          int fate = r.nextInt(20);
          Message m = fate == 0 ? net.inFlight.get(i) : net.inFlight.remove(i); // 0: duplicate
          if (fate != 1) { // 1: lost
            net.deliver(m);
          }
        }
      } else if (action < 75) {
        net.node(id).tick();
      } else if (action < 87) {
        if (net.node(id).role() == Role.LEADER && net.node(id).status().leadTransferee() == 0) {
          net.node(id).propose(TestNetwork.bytes("s" + seed + "v" + proposals++));
        }
      } else if (action < 90) {
        proposeNextConfChange(net.node(id));
      } else if (action < 92) {
        if (r.nextBoolean()) {
          net.cut(id, 1 + r.nextInt(6));
        } else {
          net.heal();
        }
      } else if (action < 93) {
        net.restart(id);
      } else if (action < 96) {
        TestNetwork.Member m = net.member(id);
        long applied = m.node.appliedIndex();
        if (applied > m.storage.snapshot().index()) {
          m.storage.createSnapshot(applied, m.conf, TestNetwork.encode(m.applied));
          m.storage.compact(Math.max(m.storage.firstIndex() - 1, applied - r.nextInt(3)));
        }
      } else if (action < 98) {
        net.node(id).transferLeadership(1 + r.nextInt(6));
      } else {
        net.node(id).campaign();
      }
      net.handleReadies();
      check(seed, step, net, leaderOfTerm, committed);
    }

    net.heal();
    for (int round = 0; round < 300 && !converged(net); round++) {
      net.tick(1);
    }
    check(seed, STEPS, net, leaderOfTerm, committed);
    assertThat(net.leaders()).as("seed %d: a leader after healing", seed).hasSize(1);
    List<String> reference = net.member(net.leaders().get(0)).applied;
    for (long id : currentMembers(net)) {
      assertThat(net.member(id).applied).as("seed %d node %d converged", seed, id)
          .isEqualTo(reference);
    }
  }

  /**
   * The membership script, driven by the leader's current configuration so lost proposals are
   * retried.
   */
  private static void proposeNextConfChange(RaftNode node) {
    if (node.role() != Role.LEADER) {
      return;
    }
    ConfState conf = node.confState();
    ConfChange next;
    if (!conf.isMember(6)) {
      next = ConfChange.addLearner(6);
    } else if (conf.learners().contains(6L)) {
      next = ConfChange.addNode(6);
    } else if (conf.voters().contains(5L)) {
      next = ConfChange.removeNode(5);
    } else {
      return;
    }
    try {
      node.proposeConfChange(next);
    } catch (ProposalDroppedException pending) {
      // another change or a transfer is in progress: try again later
    }
  }

  private static List<Long> currentMembers(TestNetwork net) {
    List<Long> out = new ArrayList<>();
    for (long id : net.members.keySet()) {
      if (net.leaders().size() == 1 && net.node(net.leaders().get(0)).confState().isMember(id)) {
        out.add(id);
      }
    }
    return out;
  }

  private static boolean converged(TestNetwork net) {
    if (net.leaders().size() != 1) {
      return false;
    }
    RaftNode leader = net.node(net.leaders().get(0));
    for (long id : currentMembers(net)) {
      RaftNode node = net.node(id);
      if (node.appliedIndex() != leader.commitIndex() || node.lastIndex() != leader.lastIndex()) {
        return false;
      }
    }
    return true;
  }

  private static void check(long seed, int step, TestNetwork net, TreeMap<Long, Long> leaderOfTerm,
        List<String> committed) {
    for (long id : net.members.keySet()) {
      RaftNode node = net.node(id);
      if (node.role() == Role.LEADER) {
        Long previous = leaderOfTerm.putIfAbsent(node.term(), id);
        assertThat(previous == null || previous == id)
            .as("seed %d step %d: two leaders in term %d (%d and %d)", seed, step, node.term(),
                previous, id)
            .isTrue();
      }
      List<String> applied = net.member(id).applied;
      assertThat(new HashSet<>(applied)).as("seed %d step %d node %d applied twice", seed, step, id)
          .hasSize(applied.size());
      int common = Math.min(applied.size(), committed.size());
      assertThat(applied.subList(0, common))
          .as("seed %d step %d node %d applied a different sequence", seed, step, id)
          .isEqualTo(committed.subList(0, common));
      if (applied.size() > committed.size()) {
        committed.addAll(applied.subList(committed.size(), applied.size()));
      }
    }
  }
}
