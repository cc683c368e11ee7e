package dev.fakeetcd.internal.raft;

import static dev.fakeetcd.internal.raft.TestNetwork.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.HardState;
import dev.fakeetcd.internal.raft.raftpb.Message;
import dev.fakeetcd.internal.raft.raftpb.MessageType;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import dev.fakeetcd.internal.raft.tracker.ProgressState;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReplicationTest {

  @Test
  void propose_replicatesAndCommitsOnEveryNode() {
    TestNetwork net = TestNetwork.bootstrap(1, 1, 2, 3);
    net.elect(1);

    long index = net.propose(1, "a");
    net.propose(1, "b");

    for (long id = 1; id <= 3; id++) {
      assertThat(net.node(id).commitIndex()).as("node %d", id).isEqualTo(index + 1);
      assertThat(net.member(id).applied).containsExactly("a", "b");
    }
  }

  @Test
  void propose_onFollowerIsDropped() {
    TestNetwork net = TestNetwork.bootstrap(2, 1, 2, 3);
    net.elect(1);
    long last = net.node(2).lastIndex();

    assertThatThrownBy(() -> net.node(2).propose(bytes("x")))
        .isInstanceOf(ProposalDroppedException.class)
        .hasMessageContaining("not the leader");
    assertThat(net.node(2).lastIndex()).isEqualTo(last);
  }

  @Test
  void propose_leaderCutOffFromMajorityDoesNotCommit() {
    TestNetwork net = TestNetwork.bootstrap(3, 1, 2, 3);
    net.elect(1);
    long commit = net.node(1).commitIndex();
    net.isolate(1);

    net.propose(1, "lost");

    assertThat(net.node(1).lastIndex()).isEqualTo(commit + 1);
    assertThat(net.node(1).commitIndex()).isEqualTo(commit);
    assertThat(net.member(1).applied).isEmpty();
  }

  @Test
  void append_divergedFollowerLogIsRepairedByNewLeader() {
    TestNetwork net = TestNetwork.bootstrap(4, c -> c.withCheckQuorum(false), 1, 2, 3);
    net.elect(1);
    net.propose(1, "common");
    net.isolate(1);
    net.propose(1, "orphan-1"); // appended only on the old leader
    net.propose(1, "orphan-2");
    net.elect(2);
    net.propose(2, "new-1");
    net.propose(2, "new-2");
    net.propose(2, "new-3");

    net.heal();
    net.tick(1); // heartbeats make 1 follow 2, then the log is repaired

    assertThat(net.node(1).role()).isEqualTo(Role.FOLLOWER);
    assertThat(net.storedLog(1)).isEqualTo(net.storedLog(2)).isEqualTo(net.storedLog(3));
    assertThat(net.member(1).applied).containsExactly("common", "new-1", "new-2", "new-3");
  }

  @Test
  void step_followerRejectsAppendWhosePreviousEntryDoesNotMatch() {
    TestNetwork net = TestNetwork.bootstrap(5, 1, 2, 3);
    net.elect(1);
    RaftNode follower = net.node(2);
    long term = follower.term();
    long last = follower.lastIndex();

    follower.step(new Message(MessageType.MSG_APP, 1, 2, term, term, last + 3,
        List.of(Entry.normal(term, last + 4, bytes("z"))), 0, null, false, 0, null));
    Ready rd = follower.ready();

    assertThat(rd.messages()).singleElement().satisfies(m -> {
      assertThat(m.type()).isEqualTo(MessageType.MSG_APP_RESP);
      assertThat(m.reject()).isTrue();
      assertThat(m.index()).isEqualTo(last + 3);
      assertThat(m.rejectHint()).isEqualTo(last); // where the follower's log ends
    });
    assertThat(follower.lastIndex()).isEqualTo(last);
  }

  @Test
  void commit_previousTermEntryIsNotCommittedByCountingReplicas() {
    // Figure 8 of the Raft paper: node 1 holds an entry of term 2 that never committed and becomes
    // leader in term 3. A majority holding that entry does not make it committed; only a majority
    // holding an entry of term 3 does (and then commits the older one too).
    MemoryRaftStorage storage = new MemoryRaftStorage();
    storage.applySnapshot(new Snapshot(1, 1, ConfState.ofVoters(List.of(1L, 2L, 3L)), null));
    storage.append(List.of(Entry.normal(2, 2, bytes("old"))));
    storage.setHardState(new HardState(2, 0, 1));
    RaftNode node = RaftNode.start(
        RaftConfig.of(1).withPreVote(false), storage, new SplittableRandom(1));
    node.campaign();
    node.step(new Message(MessageType.MSG_VOTE_RESP, 2, 1, 3, 0, 0, null, 0, null, false, 0, null));
    assertThat(node.role()).isEqualTo(Role.LEADER);
    assertThat(node.lastIndex()).isEqualTo(3); // the leader's empty entry of term 3

    node.step(new Message(MessageType.MSG_APP_RESP, 2, 1, 3, 0, 2, null, 0, null, false, 0, null));
    assertThat(node.commitIndex()).isEqualTo(1);

    node.step(new Message(MessageType.MSG_APP_RESP, 2, 1, 3, 0, 3, null, 0, null, false, 0, null));
    assertThat(node.commitIndex()).isEqualTo(3);
  }

  @Test
  void propose_followerInReplicateStateIsLimitedByInflightWindow() {
    TestNetwork net = TestNetwork.bootstrap(6, c -> c.withMaxInflightMsgs(2), 1, 2, 3);
    net.elect(1);
    net.isolate(2);
    for (int i = 0; i < 5; i++) {
      net.node(1).propose(bytes("p" + i));
    }
    Ready rd = net.node(1).ready();

    long appendsTo2 = rd.messages().stream()
        .filter(m -> m.to() == 2 && m.type() == MessageType.MSG_APP && !m.entries().isEmpty())
        .count();
    assertThat(appendsTo2).isEqualTo(2);
    assertThat(net.node(1).status().progress().get(2L).state()).isEqualTo(ProgressState.REPLICATE);
  }

  @Test
  void propose_messagesRespectMaxSizePerMsg() {
    TestNetwork net = TestNetwork.bootstrap(7, c -> c.withMaxSizePerMsg(100), 1, 2);
    net.elect(1);
    net.isolate(2);
    for (int i = 0; i < 6; i++) {
      net.propose(1, "payload-" + i + "-".repeat(30)); // about 65 bytes each with overhead
    }
    int healedAt = net.trace.size();
    net.heal();
    net.tick(3);

    List<Message> appendsTo2 = net.trace.subList(healedAt, net.trace.size()).stream()
        .filter(m -> m.to() == 2 && m.type() == MessageType.MSG_APP && !m.entries().isEmpty())
        .toList();
    assertThat(appendsTo2).hasSizeGreaterThanOrEqualTo(6).allSatisfy(
        m -> assertThat(m.entries()).hasSize(1));
    assertThat(net.member(2).applied).hasSize(6);
  }
}
