package dev.fakeetcd.internal.raft;

import static dev.fakeetcd.internal.raft.TestNetwork.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.EntryType;
import dev.fakeetcd.internal.raft.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProposalForwardingTest {

  @Test
  void proposeOrForward_followerForwardsToLeaderAndEveryNodeAppliesIt() {
    TestNetwork net = TestNetwork.bootstrap(11, 1, 2, 3);
    net.elect(1);

    net.node(2).proposeOrForward(bytes("w"));
    net.process();

    assertThat(net.trace).filteredOn(m -> m.type() == MessageType.MSG_PROP)
        .singleElement().satisfies(m -> {
          assertThat(m.from()).isEqualTo(2);
          assertThat(m.to()).isEqualTo(1);
        });
    for (long id : new long[] {1, 2, 3}) {
      assertThat(net.member(id).applied).containsExactly("w");
    }
  }

  @Test
  void proposeOrForward_onLeaderAppendsLocally() {
    TestNetwork net = TestNetwork.bootstrap(12, 1, 2, 3);
    net.elect(1);

    net.node(1).proposeOrForward(bytes("l"));
    net.process();

    assertThat(net.trace).noneMatch(m -> m.type() == MessageType.MSG_PROP);
    assertThat(net.member(3).applied).containsExactly("l");
  }

  @Test
  void proposeOrForward_severalFromAFollower_travelInOneProposalAndOneAppendPerPeer() {
    TestNetwork net = TestNetwork.bootstrap(18, 1, 2, 3);
    net.elect(1);
    net.trace.clear();

    net.node(2).proposeOrForward(List.of(bytes("a"), bytes("b"), bytes("c")));
    net.process();

    assertThat(net.trace).filteredOn(m -> m.type() == MessageType.MSG_PROP).singleElement()
        .satisfies(m -> assertThat(m.entries()).hasSize(3));
    assertThat(net.trace).filteredOn(m -> m.type() == MessageType.MSG_APP
        && !m.entries().isEmpty()).hasSize(2).allSatisfy(m -> assertThat(m.entries()).hasSize(3));
    for (long id : new long[] {1, 2, 3}) {
      assertThat(net.member(id).applied).containsExactly("a", "b", "c");
    }
  }

  @Test
  void proposeOrForward_severalOnTheLeader_appendsThemInItsTermInOrder() {
    TestNetwork net = TestNetwork.bootstrap(19, 1, 2, 3);
    net.elect(1);
    List<Entry> before = net.storedLog(1);
    long last = before.get(before.size() - 1).index();

    net.node(1).proposeOrForward(List.of(bytes("x"), bytes("y")));
    net.process();

    List<Entry> log = net.storedLog(3);
    assertThat(log.subList(log.size() - 2, log.size())).satisfiesExactly(
        e -> assertThat(e.index()).isEqualTo(last + 1),
        e -> assertThat(e.index()).isEqualTo(last + 2));
    assertThat(log.get(log.size() - 1).term()).isEqualTo(net.node(1).term());
    assertThat(net.member(3).applied).containsExactly("x", "y");
  }

  @Test
  void proposeOrForward_severalWithoutKnownLeaderAreDropped() {
    TestNetwork net = TestNetwork.bootstrap(20, 1, 2, 3);

    assertThatThrownBy(() -> net.node(2).proposeOrForward(List.of(bytes("x"), bytes("y"))))
        .isInstanceOf(ProposalDroppedException.class);
  }

  @Test
  void proposeOrForward_withoutKnownLeaderIsDropped() {
    TestNetwork net = TestNetwork.bootstrap(13, 1, 2, 3);

    assertThatThrownBy(() -> net.node(2).proposeOrForward(bytes("x")))
        .isInstanceOf(ProposalDroppedException.class);
  }

  @Test
  void proposeOrForward_forwardedProposalIsLostWhenTheLeaderIsCutOff() {
    TestNetwork net = TestNetwork.bootstrap(14, 1, 2, 3);
    net.elect(1);
    net.cut(2, 1);

    net.node(2).proposeOrForward(bytes("lost"));
    net.process();

    assertThat(net.member(1).applied).isEmpty();
    assertThat(net.member(2).applied).isEmpty();
  }

  @Test
  void proposeConfChangeOrForward_followerForwardsItAndEveryNodeAppliesIt() {
    TestNetwork net = TestNetwork.bootstrap(15, 1, 2, 3);
    net.elect(1);

    net.node(2).proposeConfChangeOrForward(ConfChange.addLearner(4).withId(7));
    net.process();

    assertThat(net.trace).filteredOn(m -> m.type() == MessageType.MSG_PROP).singleElement()
        .satisfies(m -> assertThat(m.entries()).singleElement()
            .extracting(Entry::type).isEqualTo(EntryType.CONF_CHANGE));
    for (long id : new long[] {1, 2, 3}) {
      assertThat(net.member(id).conf.learners()).as("learners of %d", id).containsExactly(4L);
    }
    assertThat(net.storedLog(2)).extracting(Entry::type).last().isEqualTo(EntryType.CONF_CHANGE);
  }

  @Test
  void proposeConfChangeOrForward_refusedByTheLeaderBecomesAnEmptyEntry() {
    TestNetwork net = TestNetwork.bootstrap(16, 1, 2, 3);
    net.elect(1);
    net.node(1).proposeConfChange(ConfChange.addLearner(4));
    net.node(2).proposeConfChangeOrForward(ConfChange.addLearner(5));

    net.process(); // the forwarded change arrives while the first is not yet applied

    List<Entry> log = net.storedLog(1);
    assertThat(log.subList(log.size() - 2, log.size())).satisfiesExactly(
        e -> assertThat(ConfChange.decode(e.data())).isEqualTo(ConfChange.addLearner(4)),
        e -> {
          assertThat(e.type()).isEqualTo(EntryType.NORMAL);
          assertThat(e.data()).isEmpty();
        });
    assertThat(net.member(3).conf.learners()).containsExactly(4L);
  }

  @Test
  void proposeConfChangeOrForward_withoutKnownLeaderIsDropped() {
    TestNetwork net = TestNetwork.bootstrap(17, 1, 2, 3);

    assertThatThrownBy(() -> net.node(2).proposeConfChangeOrForward(ConfChange.addLearner(4)))
        .isInstanceOf(ProposalDroppedException.class);
  }
}
