package dev.fakeetcd.internal.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PreVoteAndCheckQuorumTest {

  @Test
  void tick_preVoteKeepsRejoiningIsolatedNodeFromBumpingTermsOrDisruptingLeader() {
    TestNetwork net = TestNetwork.bootstrap(1, 1, 2, 3);
    net.elect(1);
    long term = net.node(1).term();
    net.isolate(3);

    net.tick(100); // node 3 keeps pre-campaigning without success
    assertThat(net.node(3).term()).isEqualTo(term);
    net.heal();
    net.tick(5);

    assertThat(net.leaders()).containsExactly(1L);
    for (long id = 1; id <= 3; id++) {
      assertThat(net.node(id).term()).as("node %d", id).isEqualTo(term);
    }
    assertThat(net.node(3).leaderId()).isEqualTo(1);
  }

  @Test
  void tick_withoutPreVoteIsolatedNodeBumpsItsTermWhileCampaigning() {
    TestNetwork net = TestNetwork.bootstrap(2, c -> c.withPreVote(false), 1, 2, 3);
    net.elect(1);
    long term = net.node(1).term();
    net.isolate(3);

    net.tick(100);

    assertThat(net.node(3).role()).isEqualTo(Role.CANDIDATE);
    assertThat(net.node(3).term()).isGreaterThan(term + 2);
  }

  @Test
  void step_followerHearingFromLeaderIgnoresHigherTermVoteRequest() {
    // Node 3 runs without pre-vote, so it sends real vote requests with a higher term.
    TestNetwork net = TestNetwork.bootstrap(
        3, c -> c.id() == 3 ? c.withPreVote(false) : c, 1, 2, 3);
    net.elect(1);
    long term = net.node(1).term();
    net.isolate(3);
    net.tick(30); // node 3 is now a candidate in a higher term
    assertThat(net.node(3).term()).isGreaterThan(term);
    net.heal();
    net.cut(1, 3); // 3 can reach only 2, which still hears from the leader

    net.node(3).campaign();
    net.process();

    assertThat(net.node(2).term()).isEqualTo(term);
    assertThat(net.node(2).leaderId()).isEqualTo(1);
    assertThat(net.leaders()).containsExactly(1L);
  }

  @Test
  void tick_leaderCutOffFromQuorumStepsDownAfterElectionTimeout() {
    TestNetwork net = TestNetwork.bootstrap(4, 1, 2, 3);
    net.elect(1);
    net.isolate(1);

    net.tick(9);
    assertThat(net.node(1).role()).isEqualTo(Role.LEADER);
    net.tick(11);

    assertThat(net.node(1).role()).isEqualTo(Role.FOLLOWER);
    assertThat(net.node(1).leaderId()).isZero();
  }

  @Test
  void tick_leaderHearingFromQuorumStaysLeader() {
    TestNetwork net = TestNetwork.bootstrap(5, 1, 2, 3);
    net.elect(1);
    net.isolate(3);

    net.tick(100);

    assertThat(net.node(1).role()).isEqualTo(Role.LEADER);
  }
}
