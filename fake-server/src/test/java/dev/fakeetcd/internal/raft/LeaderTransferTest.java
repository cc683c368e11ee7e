package dev.fakeetcd.internal.raft;

import static dev.fakeetcd.internal.raft.TestNetwork.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import org.junit.jupiter.api.Test;

class LeaderTransferTest {

  @Test
  void transferLeadership_caughtUpTransfereeBecomesLeaderInNextTerm() {
    TestNetwork net = TestNetwork.bootstrap(1, 1, 2, 3);
    net.elect(1);
    long term = net.node(1).term();

    net.node(1).transferLeadership(2);
    net.process();

    assertThat(net.leaders()).containsExactly(2L);
    assertThat(net.node(2).term()).isEqualTo(term + 1);
    assertThat(net.node(1).leaderId()).isEqualTo(2);
  }

  @Test
  void transferLeadership_laggingTransfereeIsCaughtUpBeforeTakingOver() {
    TestNetwork net = TestNetwork.bootstrap(2, 1, 2, 3);
    net.elect(1);
    net.isolate(3);
    net.propose(1, "a");
    net.heal();

    net.node(1).transferLeadership(3);
    net.process();

    assertThat(net.leaders()).containsExactly(3L);
    assertThat(net.member(3).applied).containsExactly("a");
  }

  @Test
  void transferLeadership_onFollowerIsForwardedToLeader() {
    TestNetwork net = TestNetwork.bootstrap(3, 1, 2, 3);
    net.elect(1);

    net.node(3).transferLeadership(3);
    net.process();

    assertThat(net.leaders()).containsExactly(3L);
  }

  @Test
  void propose_droppedWhileLeadershipTransferIsInProgress() {
    TestNetwork net = TestNetwork.bootstrap(4, 1, 2, 3);
    net.elect(1);
    net.isolate(3);
    net.propose(1, "a"); // 3 lags, so the transfer has to wait for it

    net.node(1).transferLeadership(3);
    net.process();

    assertThat(net.node(1).status().leadTransferee()).isEqualTo(3);
    assertThatThrownBy(() -> net.node(1).propose(bytes("b")))
        .isInstanceOf(ProposalDroppedException.class)
        .hasMessageContaining("transferred");
  }

  @Test
  void tick_leaderTransferIsAbandonedAfterElectionTimeout() {
    TestNetwork net = TestNetwork.bootstrap(5, 1, 2, 3);
    net.elect(1);
    net.isolate(3);
    net.node(1).transferLeadership(3);
    net.process();

    net.tick(10);

    assertThat(net.node(1).role()).isEqualTo(Role.LEADER);
    assertThat(net.node(1).status().leadTransferee()).isZero();
    net.propose(1, "after");
    assertThat(net.member(2).applied).containsExactly("after");
  }

  @Test
  void transferLeadership_toLearnerIsIgnored() {
    TestNetwork net = TestNetwork.bootstrap(6, 1, 2, 3);
    net.elect(1);
    net.addEmptyMember(4);
    net.node(1).proposeConfChange(ConfChange.addLearner(4));
    net.process();

    net.node(1).transferLeadership(4);
    net.process();

    assertThat(net.leaders()).containsExactly(1L);
    assertThat(net.node(1).status().leadTransferee()).isZero();
  }
}
