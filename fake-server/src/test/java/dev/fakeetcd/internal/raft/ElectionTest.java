package dev.fakeetcd.internal.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.internal.raft.raftpb.Message;
import dev.fakeetcd.internal.raft.raftpb.MessageType;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ElectionTest {

  @Test
  void tick_singleVoterElectsItselfOnFirstElectionTimeout() {
    TestNetwork net = TestNetwork.bootstrap(1, 1);

    int ticks = 0;
    while (net.node(1).role() != Role.LEADER && ticks < 20) {
      net.tick(1);
      ticks++;
    }

    assertThat(net.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(ticks).isBetween(10, 19);
    assertThat(net.node(1).term()).isEqualTo(2);
    // The new leader's empty entry commits at once: there is no one else to ask.
    assertThat(net.node(1).commitIndex()).isEqualTo(2);
  }

  @Test
  void tick_nodeWithIdAboveLongMax_votesForItselfAndLeads() {
    // etcd's member IDs are unsigned 64-bit: as a Java long, half of them are negative.
    long id = -4_559_019_474_881_270_650L;
    TestNetwork net = TestNetwork.bootstrap(1, id);

    net.tick(20);

    assertThat(net.node(id).role()).isEqualTo(Role.LEADER);
  }

  @Test
  void tick_threeNodeClusterElectsExactlyOneLeader() {
    for (long seed = 1; seed <= 20; seed++) {
      TestNetwork net = TestNetwork.bootstrap(seed, 1, 2, 3);

      net.tick(30);

      assertThat(net.leaders()).as("seed %d", seed).hasSize(1);
      long leader = net.leaders().get(0);
      for (long id = 1; id <= 3; id++) {
        assertThat(net.node(id).leaderId()).as("seed %d node %d", seed, id).isEqualTo(leader);
        assertThat(net.node(id).term()).isEqualTo(net.node(leader).term());
      }
    }
  }

  @Test
  void tick_fiveNodeClusterElectsExactlyOneLeader() {
    for (long seed = 1; seed <= 20; seed++) {
      TestNetwork net = TestNetwork.bootstrap(seed, 1, 2, 3, 4, 5);

      net.tick(30);

      assertThat(net.leaders()).as("seed %d", seed).hasSize(1);
      long leader = net.leaders().get(0);
      for (long id = 1; id <= 5; id++) {
        assertThat(net.node(id).leaderId()).as("seed %d node %d", seed, id).isEqualTo(leader);
      }
    }
  }

  @Test
  void tick_electionTimeoutIsRandomizedBetweenOneAndTwoElectionTimeouts() {
    TreeSet<Integer> observed = new TreeSet<>();
    for (long seed = 1; seed <= 50; seed++) {
      TestNetwork net = TestNetwork.bootstrap(seed, 1, 2);
      net.isolate(1);
      int ticks = 0;
      while (net.node(1).role() == Role.FOLLOWER) {
        net.tick(1);
        ticks++;
      }
      observed.add(ticks);
    }

    assertThat(observed.first()).isGreaterThanOrEqualTo(10);
    assertThat(observed.last()).isLessThan(20);
    assertThat(observed.size()).isGreaterThan(5);
  }

  @Test
  void step_leaderStepsDownOnMessageWithHigherTerm() {
    TestNetwork net = TestNetwork.bootstrap(3, 1, 2, 3);
    net.elect(1);
    long term = net.node(1).term();

    net.node(1).step(
        new Message(MessageType.MSG_APP_RESP, 2, 1, term + 5, 0, 0, null, 0, null, false, 0, null));

    assertThat(net.node(1).role()).isEqualTo(Role.FOLLOWER);
    assertThat(net.node(1).term()).isEqualTo(term + 5);
    assertThat(net.node(1).leaderId()).isZero();
  }

  @Test
  void campaign_candidateWithStaleLogIsNotElected() {
    TestNetwork net = TestNetwork.bootstrap(4, 1, 2, 3);
    net.elect(1);
    net.isolate(3);
    net.propose(1, "x"); // committed on 1 and 2 only
    net.heal();

    net.elect(3);

    assertThat(net.node(3).role()).isNotEqualTo(Role.LEADER);
    assertThat(net.leaders()).containsExactly(1L);
  }

  @Test
  void step_staleLeaderFollowsHigherTermLeaderAfterHeal() {
    // Without check-quorum the cut-off leader keeps believing it leads until it hears a higher
    // term.
    TestNetwork net = TestNetwork.bootstrap(5, c -> c.withCheckQuorum(false), 1, 2, 3);
    net.elect(1);
    long term = net.node(1).term();
    net.isolate(1);
    net.tick(25); // 2 and 3 lose the leader and elect one of themselves

    assertThat(net.leaders()).hasSize(2).contains(1L);
    net.heal();
    net.tick(1);

    assertThat(net.leaders()).hasSize(1).doesNotContain(1L);
    assertThat(net.node(1).term()).isGreaterThan(term);
    assertThat(net.node(1).leaderId()).isEqualTo(net.leaders().get(0));
  }

  @Test
  void tick_sameSeedGivesIdenticalMessageTrace() {
    TestNetwork a = TestNetwork.bootstrap(42, 1, 2, 3, 4, 5);
    TestNetwork b = TestNetwork.bootstrap(42, 1, 2, 3, 4, 5);

    a.tick(40);
    b.tick(40);

    assertThat(a.trace).isNotEmpty().isEqualTo(b.trace);
  }
}
