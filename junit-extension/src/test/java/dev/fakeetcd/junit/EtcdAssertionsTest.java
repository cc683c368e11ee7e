package dev.fakeetcd.junit;

import static dev.fakeetcd.junit.EtcdAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import io.grpc.ManagedChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Assertions on clusters from {@code @EtcdTest(members = 3, clock = MANUAL, seed = 7)}. */
@EtcdTest(members = 3, seed = 7, clock = dev.fakeetcd.sim.VirtualClock.Mode.MANUAL, tcp = false)
class EtcdAssertionsTest {

  /** One line per member, as every failure message ends. */
  private static final String MEMBER_LINE =
      "\n  member-\\d id=[0-9a-f]+ (LEADER|FOLLOWER|CANDIDATE|DOWN) term=\\d+ applied=\\d+ "
          + "revision=\\d+";
  private static final String MEMBERS = "\nMembers \\(seed 7\\):" + MEMBER_LINE.repeat(3);

  private static void put(ManagedChannel channel, String key, String value) {
    KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value)).build());
  }

  @Test
  void hasLeader_healthyCluster_passes(EtcdCluster cluster, Member leader) {
    assertThat(cluster).hasLeader().leaderIs(leader).hasMembers(3).allMembersConverged();
  }

  @Test
  void hasLeader_noLeader_failsShowingEveryMember(EtcdCluster cluster) {
    cluster.members().forEach(m -> cluster.network().isolate(m));
    cluster.clock().advance(Duration.ofSeconds(3));

    assertThatThrownBy(() -> assertThat(cluster).hasLeader())
        .hasMessageMatching("(?s)Expecting the cluster to have a leader, but none of its members "
            + "leads\\." + MEMBERS);
  }

  @Test
  void hasNoLeader_withLeader_namesIt(EtcdCluster cluster, Member leader) {
    assertThatThrownBy(() -> assertThat(cluster).hasNoLeader())
        .hasMessageMatching("(?s)Expecting the cluster to have no leader, but " + leader.name()
            + " leads\\." + MEMBERS);
  }

  @Test
  void leaderIs_otherMember_namesBoth(EtcdCluster cluster, Member leader) {
    Member other = cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
    assertThatThrownBy(() -> assertThat(cluster).leaderIs(other))
        .hasMessageMatching("(?s)Expecting " + other.name() + " to lead, but " + leader.name()
            + " leads\\." + MEMBERS);
  }

  @Test
  void hasMembers_wrongCount_fails(EtcdCluster cluster) {
    assertThatThrownBy(() -> assertThat(cluster).hasMembers(5))
        .hasMessageMatching("(?s)Expecting the cluster to have 5 members, but it has 3\\."
            + MEMBERS);
  }

  @Test
  void termIsGreaterThan_afterFailover_passes_andFailsWithTheHighestTerm(EtcdCluster cluster,
      Member leader) {
    long term = leader.term();
    cluster.network().isolate(leader);
    cluster.clock().advance(Duration.ofSeconds(3));

    assertThat(cluster).termIsGreaterThan(term);
    assertThatThrownBy(() -> assertThat(cluster).termIsGreaterThan(100))
        .hasMessageMatching("(?s)Expecting a term greater than 100, but the highest term is \\d+\\."
            + MEMBERS);
  }

  @Test
  void hasRevision_afterPuts_isTheLeadersRevision(EtcdCluster cluster, ManagedChannel channel,
      Member leader) {
    put(channel, "a", "1");
    put(channel, "b", "2");

    assertThat(cluster).hasRevision(3);
    assertThatThrownBy(() -> assertThat(cluster).hasRevision(9))
        .hasMessageMatching("(?s)Expecting " + leader.name() + " to be at revision 9, but it is "
            + "at 3\\." + MEMBERS);
  }

  @Test
  void allMembersConverged_memberBehind_fails(EtcdCluster cluster, ManagedChannel channel,
      Member leader, @EtcdMember(0) Member m0, @EtcdMember(1) Member m1) {
    Member behind = leader == m0 ? m1 : m0;
    cluster.network().isolate(behind);
    put(channel, "a", "1");

    assertThatThrownBy(() -> assertThat(cluster).allMembersConverged())
        .hasMessageMatching("(?s)Expecting every member to run at the same applied index and "
            + "revision, but they differ\\." + MEMBERS);
  }

  @Test
  void hasKey_withValue_readsTheLeader(EtcdCluster cluster, ManagedChannel channel) {
    put(channel, "k", "v");

    assertThat(cluster).hasKey("k").withValue("v").withModRevision(2).and().doesNotHaveKey("x");
    assertThatThrownBy(() -> assertThat(cluster).hasKey("k").withValue("w"))
        .hasMessageMatching("(?s)Expecting key \"k\" to have value \"w\", but it has \"v\" "
            + "\\(mod revision 2\\)\\." + MEMBERS);
    assertThatThrownBy(() -> assertThat(cluster).hasKey("x"))
        .hasMessageMatching("(?s)Expecting key \"x\" on the leader, but it is not there\\."
            + MEMBERS);
  }

  @Test
  void atRevision_onMember_readsThatMembersHistory(EtcdCluster cluster, ManagedChannel channel,
      @EtcdMember(2) Member member) {
    put(channel, "k", "old");
    put(channel, "k", "new");

    assertThat(cluster).onMember(member).atRevision(2).hasKey("k").withValue("old");
    assertThatThrownBy(() -> assertThat(cluster).onMember(member).atRevision(2).doesNotHaveKey("k"))
        .hasMessageMatching("(?s)Expecting no key \"k\" on member-2 at revision 2, but it has "
            + "value \"old\" \\(mod revision 2\\)\\." + MEMBERS);
  }

  @Test
  void atRevision_compacted_failsWithEtcdsError(EtcdCluster cluster, ManagedChannel channel) {
    put(channel, "k", "old");
    put(channel, "k", "new");
    cluster.compact(3);

    assertThatThrownBy(() -> assertThat(cluster).atRevision(2).hasKey("k"))
        .hasMessageMatching("(?s)Cannot read key \"k\" on the leader at revision 2: OUT_OF_RANGE "
            + "etcdserver: mvcc: required revision has been compacted" + MEMBERS);
  }
}
