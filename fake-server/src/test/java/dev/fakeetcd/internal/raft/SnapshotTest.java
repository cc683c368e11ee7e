package dev.fakeetcd.internal.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.internal.raft.raftpb.MessageType;
import dev.fakeetcd.internal.raft.tracker.ProgressState;
import org.junit.jupiter.api.Test;

class SnapshotTest {

  /** Every connected member snapshots its applied state and discards its log up to there. */
  private static void snapshotAndCompact(TestNetwork net, long... ids) {
    for (long id : ids) {
      TestNetwork.Member m = net.member(id);
      long applied = m.node.appliedIndex();
      m.storage.createSnapshot(applied, m.conf, TestNetwork.encode(m.applied));
      m.storage.compact(applied);
    }
  }

  @Test
  void sendAppend_laggingFollowerGetsSnapshotOfCompactedLogAndRestoresIt() {
    TestNetwork net = TestNetwork.bootstrap(1, 1, 2, 3);
    net.elect(1);
    net.isolate(3);
    net.propose(1, "a");
    net.propose(1, "b");
    net.propose(1, "c");
    snapshotAndCompact(net, 1, 2);
    long snapIndex = net.member(1).storage.snapshot().index();

    net.heal();
    net.tick(2);

    assertThat(net.trace).anyMatch(m -> m.type() == MessageType.MSG_SNAP && m.to() == 3
        && m.snapshot().index() == snapIndex);
    assertThat(net.member(3).applied).containsExactly("a", "b", "c");
    assertThat(net.member(3).storage.snapshot().index()).isEqualTo(snapIndex);
    assertThat(net.node(3).appliedIndex()).isEqualTo(net.node(1).commitIndex());
    assertThat(net.node(3).confState().voters()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void sendAppend_followerRestoredFromSnapshotResumesNormalReplication() {
    TestNetwork net = TestNetwork.bootstrap(2, 1, 2, 3);
    net.elect(1);
    net.isolate(3);
    net.propose(1, "a");
    snapshotAndCompact(net, 1, 2);
    net.heal();
    net.tick(2);

    net.propose(1, "d");

    assertThat(net.member(3).applied).containsExactly("a", "d");
    assertThat(net.node(1).status().progress().get(3L).state()).isEqualTo(ProgressState.REPLICATE);
  }

  @Test
  void reportSnapshot_lostSnapshotPausesPeerUntilFailureIsReported() {
    TestNetwork net = TestNetwork.bootstrap(3, 1, 2, 3);
    net.elect(1);
    net.isolate(3);
    net.propose(1, "a");
    snapshotAndCompact(net, 1, 2);
    net.heal();
    net.lose(m -> m.type() == MessageType.MSG_SNAP);

    net.tick(10);
    assertThat(net.node(1).status().progress().get(3L).state()).isEqualTo(ProgressState.SNAPSHOT);
    long sent = net.trace.stream().filter(m -> m.type() == MessageType.MSG_SNAP).count();
    assertThat(sent).isEqualTo(1);

    net.lose(m -> false);
    net.node(1).reportSnapshot(3, false);
    net.tick(2);

    assertThat(net.member(3).applied).containsExactly("a");
    assertThat(net.node(1).status().progress().get(3L).match()).isEqualTo(net.node(1).lastIndex());
  }

  @Test
  void tick_unreportedLostSnapshotIsSentAgainAfterElectionTimeouts() {
    TestNetwork net = TestNetwork.bootstrap(4, 1, 2, 3);
    net.elect(1);
    net.isolate(3);
    net.propose(1, "a");
    snapshotAndCompact(net, 1, 2);
    net.heal();
    net.lose(m -> m.type() == MessageType.MSG_SNAP);
    net.tick(2);
    net.lose(m -> false);

    net.tick(25);

    assertThat(net.trace).filteredOn(m -> m.type() == MessageType.MSG_SNAP).hasSize(2);
    assertThat(net.member(3).applied).containsExactly("a");
  }
}
