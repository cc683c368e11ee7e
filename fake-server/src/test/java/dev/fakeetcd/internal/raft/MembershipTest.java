package dev.fakeetcd.internal.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.EntryType;
import org.junit.jupiter.api.Test;

class MembershipTest {

  private static TestNetwork clusterWithLearner4(long seed) {
    TestNetwork net = TestNetwork.bootstrap(seed, 1, 2, 3);
    net.elect(1);
    net.addEmptyMember(4);
    net.node(1).proposeConfChange(ConfChange.addLearner(4));
    net.process();
    return net;
  }

  @Test
  void bootstrap_initialVotersAreConfChangeEntriesAppliedByTheHost() {
    TestNetwork net = TestNetwork.bootstrap(1, 3, 1, 2);

    for (long id = 1; id <= 3; id++) {
      assertThat(net.storedLog(id)).extracting(e -> ConfChange.decode(e.data()))
          .containsExactly(ConfChange.addNode(1), ConfChange.addNode(2), ConfChange.addNode(3));
      assertThat(net.member(id).conf).isEqualTo(ConfState.ofVoters(java.util.List.of(1L, 2L, 3L)));
    }
  }

  @Test
  void proposeConfChange_addedLearnerReceivesTheLog() {
    TestNetwork net = clusterWithLearner4(2);

    net.propose(1, "a");

    assertThat(net.member(4).applied).containsExactly("a");
    assertThat(net.node(4).confState().learners()).containsExactly(4L);
    assertThat(net.node(1).status().progress().get(4L).learner()).isTrue();
    assertThat(net.node(1).status().progress().get(4L).match()).isEqualTo(net.node(1).lastIndex());
  }

  @Test
  void tick_learnerNeverCampaigns() {
    TestNetwork net = clusterWithLearner4(3);
    long term = net.node(4).term();
    net.isolate(4);

    net.tick(100);

    assertThat(net.node(4).role()).isEqualTo(Role.FOLLOWER);
    assertThat(net.node(4).term()).isEqualTo(term);
  }

  @Test
  void campaign_learnerVoteDoesNotCount() {
    TestNetwork net = clusterWithLearner4(4);
    net.isolate(2);
    net.isolate(3); // voter 1 can reach only learner 4

    net.tick(60);

    assertThat(net.leaders()).isEmpty();
  }

  @Test
  void applyConfChange_promotedLearnerCanBecomeLeader() {
    TestNetwork net = clusterWithLearner4(5);

    net.node(1).proposeConfChange(ConfChange.addNode(4));
    net.process();
    net.node(1).transferLeadership(4); // ignored for a learner, see LeaderTransferTest
    net.process();

    assertThat(net.node(4).confState().voters()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(net.node(4).confState().learners()).isEmpty();
    assertThat(net.leaders()).containsExactly(4L);
  }

  @Test
  void proposeConfChange_droppedWhileAnotherIsNotYetApplied() {
    TestNetwork net = TestNetwork.bootstrap(6, 1, 2, 3);
    net.elect(1);
    net.node(1).proposeConfChange(ConfChange.addLearner(4));

    assertThatThrownBy(() -> net.node(1).proposeConfChange(ConfChange.addLearner(5)))
        .isInstanceOf(ProposalDroppedException.class)
        .hasMessageContaining("pending");
    net.process();
    // accepted once the first one is applied
    net.node(1).proposeConfChange(ConfChange.addLearner(5));
  }

  @Test
  void proposeConfChange_demotingVoterToLearnerIsDropped() {
    TestNetwork net = TestNetwork.bootstrap(7, 1, 2, 3);
    net.elect(1);

    assertThatThrownBy(() -> net.node(1).proposeConfChange(ConfChange.addLearner(2)))
        .isInstanceOf(ProposalDroppedException.class);
  }

  @Test
  void applyConfChange_removedFollowerStopsTakingPart() {
    TestNetwork net = TestNetwork.bootstrap(8, 1, 2, 3);
    net.elect(1);
    long term = net.node(1).term();

    net.node(1).proposeConfChange(ConfChange.removeNode(3));
    net.process();
    net.tick(100); // 3 no longer hears from the leader but must not campaign
    net.propose(1, "two-node quorum");

    assertThat(net.node(3).confState().voters()).containsExactly(1L, 2L);
    assertThat(net.node(3).term()).isEqualTo(term);
    assertThat(net.node(3).role()).isEqualTo(Role.FOLLOWER);
    assertThat(net.leaders()).containsExactly(1L);
    assertThat(net.member(2).applied).containsExactly("two-node quorum");
  }

  @Test
  void applyConfChange_removedLeaderStepsDownAndOthersElectNewLeader() {
    TestNetwork net = TestNetwork.bootstrap(9, 1, 2, 3);
    net.elect(1);

    net.node(1).proposeConfChange(ConfChange.removeNode(1));
    net.process();
    assertThat(net.node(1).role()).isEqualTo(Role.FOLLOWER);
    net.tick(30);

    assertThat(net.leaders()).hasSize(1).doesNotContain(1L);
  }

  @Test
  void applyConfChange_updateNodeIsLoggedAndAppliedButChangesNoConfiguration() {
    TestNetwork net = TestNetwork.bootstrap(10, 1, 2, 3);
    net.elect(1);
    ConfState before = net.member(1).conf;

    net.node(1).proposeConfChange(ConfChange.updateNode(2));
    net.process();

    for (long id = 1; id <= 3; id++) {
      Entry last = net.storedLog(id).get(net.storedLog(id).size() - 1);
      assertThat(last.type()).isEqualTo(EntryType.CONF_CHANGE);
      assertThat(ConfChange.decode(last.data())).isEqualTo(ConfChange.updateNode(2));
      assertThat(net.node(id).status().applied()).isEqualTo(last.index());
      assertThat(net.member(id).conf).isEqualTo(before);
    }
  }

  @Test
  void proposeConfChange_updateNodeCountsAsPendingChange() {
    TestNetwork net = TestNetwork.bootstrap(11, 1, 2, 3);
    net.elect(1);
    net.node(1).proposeConfChange(ConfChange.updateNode(2));

    assertThatThrownBy(() -> net.node(1).proposeConfChange(ConfChange.addLearner(4)))
        .isInstanceOf(ProposalDroppedException.class)
        .hasMessageContaining("pending");
  }
}
