package dev.fakeetcd.internal.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.internal.raft.raftpb.MessageType;
import org.junit.jupiter.api.Test;

class RestartTest {

  @Test
  void start_recoversTermVoteCommitAndLogFromStorage() {
    TestNetwork net = TestNetwork.bootstrap(1, 1, 2, 3);
    net.elect(1);
    net.propose(1, "a");
    RaftStatus before = net.node(2).status();
    long lastIndex = net.node(2).lastIndex();

    RaftNode restarted = net.restart(2).node;

    RaftStatus after = restarted.status();
    assertThat(after.term()).isEqualTo(before.term());
    assertThat(after.vote()).isEqualTo(before.vote()).isEqualTo(1);
    assertThat(after.commit()).isEqualTo(before.commit());
    assertThat(restarted.lastIndex()).isEqualTo(lastIndex);
    assertThat(after.role()).isEqualTo(Role.FOLLOWER);
    assertThat(after.leaderId()).isZero();
  }

  @Test
  void start_handsCommittedEntriesOutAgainForTheHostToReapply() {
    TestNetwork net = TestNetwork.bootstrap(2, 1, 2, 3);
    net.elect(1);
    net.propose(1, "a");
    net.propose(1, "b");

    net.restart(2);
    net.process();

    assertThat(net.member(2).applied).containsExactly("a", "b");
    assertThat(net.member(2).conf.voters()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void start_afterSnapshotReappliesOnlyEntriesAfterIt() {
    TestNetwork net = TestNetwork.bootstrap(3, 1, 2, 3);
    net.elect(1);
    net.propose(1, "a");
    TestNetwork.Member m2 = net.member(2);
    m2.storage.createSnapshot(m2.node.appliedIndex(), m2.conf, TestNetwork.encode(m2.applied));
    net.propose(1, "b");

    net.restart(2);
    net.process();

    assertThat(net.member(2).applied).containsExactly("a", "b");
    assertThat(net.node(2).appliedIndex()).isEqualTo(net.node(1).commitIndex());
  }

  @Test
  void start_restartedNodeKeepsItsVoteAndRefusesAnotherCandidateInSameTerm() {
    TestNetwork net = TestNetwork.bootstrap(4, c -> c.withPreVote(false), 1, 2, 3);
    net.isolate(1);
    net.isolate(2);
    net.isolate(3);
    net.node(3).campaign(); // 3 votes for itself in term 2; nobody hears it
    net.process();

    net.restart(3);
    net.heal();
    net.isolate(1); // only 2 and 3 can talk
    net.node(2).campaign(); // 2 asks for 3's vote in term 2
    net.process();

    assertThat(net.node(3).term()).isEqualTo(2);
    assertThat(net.node(3).status().vote()).isEqualTo(3);
    assertThat(net.node(2).role()).isEqualTo(Role.CANDIDATE);
    assertThat(net.trace).anyMatch(
        m -> m.type() == MessageType.MSG_VOTE_RESP && m.from() == 3 && m.reject());
  }

  @Test
  void start_wholeClusterRestartElectsLeaderAndKeepsCommittedData() {
    TestNetwork net = TestNetwork.bootstrap(5, 1, 2, 3);
    net.elect(1);
    net.propose(1, "a");

    for (long id = 1; id <= 3; id++) {
      net.restart(id);
    }
    net.process();
    net.tick(30);
    long leader = net.leaders().get(0);
    net.propose(leader, "b");

    assertThat(net.leaders()).hasSize(1);
    for (long id = 1; id <= 3; id++) {
      assertThat(net.member(id).applied).as("node %d", id).containsExactly("a", "b");
    }
  }
}
