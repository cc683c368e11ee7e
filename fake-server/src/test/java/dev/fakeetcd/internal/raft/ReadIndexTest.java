package dev.fakeetcd.internal.raft;

import static dev.fakeetcd.internal.raft.TestNetwork.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.raft.raftpb.HardState;
import dev.fakeetcd.internal.raft.raftpb.Message;
import dev.fakeetcd.internal.raft.raftpb.MessageType;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReadIndexTest {

  @Test
  void readIndex_leaderAnswersWithCommitIndexOnlyAfterHeartbeatQuorum() {
    TestNetwork net = TestNetwork.bootstrap(1, 1, 2, 3);
    net.elect(1);
    net.propose(1, "a");
    long commit = net.node(1).commitIndex();

    net.node(1).readIndex(bytes("r1"));
    Ready rd = net.node(1).ready();
    assertThat(rd.readStates()).isEmpty();
    assertThat(rd.messages()).extracting(Message::type)
        .containsExactly(MessageType.MSG_HEARTBEAT, MessageType.MSG_HEARTBEAT);
    net.member(1).storage.persist(rd);
    rd.messages().forEach(m -> net.node(m.to()).step(m));
    net.node(1).advance(rd);
    net.process();

    assertThat(net.member(1).readStates).containsExactly(new ReadState(commit, bytes("r1")));
  }

  @Test
  void readIndex_leaderCutOffFromQuorumNeverAnswers() {
    TestNetwork net = TestNetwork.bootstrap(2, 1, 2, 3);
    net.elect(1);
    net.isolate(1);

    net.node(1).readIndex(bytes("r1"));
    net.process();
    net.tick(5);

    assertThat(net.member(1).readStates).isEmpty();
  }

  @Test
  void readIndex_leaderNeedsOnlyAQuorumOfAcks() {
    TestNetwork net = TestNetwork.bootstrap(3, 1, 2, 3);
    net.elect(1);
    net.isolate(3);

    net.node(1).readIndex(bytes("r1"));
    net.process();

    assertThat(net.member(1).readStates).containsExactly(
        new ReadState(net.node(1).commitIndex(), bytes("r1")));
  }

  @Test
  void readIndex_onFollowerIsAnsweredWithLeaderCommitIndex() {
    TestNetwork net = TestNetwork.bootstrap(4, 1, 2, 3);
    net.elect(1);
    net.propose(1, "a");

    net.node(2).readIndex(bytes("f"));
    net.process();

    assertThat(net.member(2).readStates).containsExactly(
        new ReadState(net.node(1).commitIndex(), bytes("f")));
    assertThat(net.member(1).readStates).isEmpty();
  }

  @Test
  void readIndex_singleVoterAnswersWithoutMessages() {
    TestNetwork net = TestNetwork.bootstrap(5, 1);
    net.elect(1);

    net.node(1).readIndex(bytes("s"));
    Ready rd = net.node(1).ready();

    assertThat(rd.readStates()).containsExactly(
        new ReadState(net.node(1).commitIndex(), bytes("s")));
    assertThat(rd.messages()).isEmpty();
  }

  @Test
  void readIndex_heldUntilLeaderCommitsAnEntryOfItsTerm() {
    MemoryRaftStorage storage = new MemoryRaftStorage();
    storage.applySnapshot(new Snapshot(1, 1, ConfState.ofVoters(List.of(1L, 2L, 3L)), null));
    storage.setHardState(new HardState(1, 0, 1));
    RaftNode node = RaftNode.start(
        RaftConfig.of(1).withPreVote(false), storage, new SplittableRandom(1));
    node.campaign();
    node.step(new Message(MessageType.MSG_VOTE_RESP, 2, 1, 2, 0, 0, null, 0, null, false, 0, null));
    node.ready();

    node.readIndex(bytes("early"));
    // no heartbeat round yet: the commit index may be stale
    assertThat(node.ready().messages()).isEmpty();

    node.step(new Message(MessageType.MSG_APP_RESP, 2, 1, 2, 0, 2, null, 0, null, false, 0, null));
    assertThat(node.commitIndex()).isEqualTo(2);
    Message heartbeat = node.ready().messages().stream()
        .filter(m -> m.type() == MessageType.MSG_HEARTBEAT && m.to() == 2).findFirst()
        .orElseThrow();
    node.step(new Message(MessageType.MSG_HEARTBEAT_RESP, 2, 1, 2, 0, 0, null, 0, null, false, 0,
        heartbeat.context()));

    assertThat(node.ready().readStates()).containsExactly(new ReadState(2, bytes("early")));
  }
}
