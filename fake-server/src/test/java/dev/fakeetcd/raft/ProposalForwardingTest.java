package dev.fakeetcd.raft;

import static dev.fakeetcd.raft.TestNetwork.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
