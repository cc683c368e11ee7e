package dev.fakeetcd.junit;

import static dev.fakeetcd.junit.EtcdAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.api.PutRequest;
import io.grpc.ManagedChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Assertions on clusters from {@code @EtcdTest(members = 3, clock = MANUAL, seed = 7)}. */
@EtcdTest(members = 3, seed = 7, clock = dev.fakeetcd.VirtualClock.Mode.MANUAL, tcp = false)
class EtcdAssertionsTest {

  /** etcd's HealthInterval: membership changes are refused until peers are connected this long. */
  private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);
  /** One line per member, as every failure message ends. */
  private static final String MEMBER_LINE =
      "\n  member-\\d\\([0-9a-f]+\\) (LEADER|FOLLOWER|CANDIDATE|DOWN) term=\\d+ applied=\\d+ "
          + "revision=\\d+";
  private static final String MEMBERS = "\nMembers \\(seed 7\\):" + MEMBER_LINE.repeat(3);

  /** The member list's lines, as membership failures end. */
  private static String memberList(int members) {
    return "\nMember list \\(seed 7\\):" + ("\n  [0-9a-f]+ member-\\d voter peers=\\[[^]]+\\] "
        + "clients=\\[\\]").repeat(members);
  }

  /**
   * Adds a learner that is never started, once the members have been connected for the 5 s etcd
   * asks before any membership change; returns its ID.
   */
  private static long addLearner(EtcdCluster cluster, ManagedChannel channel) {
    cluster.clock().advance(HEALTH_INTERVAL);
    return ClusterGrpc.newBlockingStub(channel).memberAdd(MemberAddRequest.newBuilder()
        .addPeerURLs("http://10.0.0.9:2380").setIsLearner(true).build()).getMember().getID();
  }

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
  void hasMembers_wrongCount_failsShowingTheMemberList(EtcdCluster cluster) {
    assertThatThrownBy(() -> assertThat(cluster).hasMembers(5))
        .hasMessageMatching("(?s)Expecting the member list to have 5 members, but it has 3\\."
            + memberList(3));
  }

  @Test
  void hasMembers_addedLearner_countsIt(EtcdCluster cluster, ManagedChannel channel) {
    addLearner(cluster, channel);

    assertThat(cluster).hasMembers(4);
  }

  @Test
  void hasVoters_everyMember_passes(EtcdCluster cluster) {
    assertThat(cluster).hasVoters(cluster.members().toArray(new Member[0]));
  }

  @Test
  void hasVoters_oneMissing_failsNamingTheExpected(EtcdCluster cluster,
      @EtcdMember(0) Member m0, @EtcdMember(1) Member m1) {
    assertThatThrownBy(() -> assertThat(cluster).hasVoters(m0, m1))
        .hasMessageMatching("(?s)Expecting the voters to be \\[member-0, member-1\\], but they "
            + "differ\\." + memberList(3));
  }

  @Test
  void hasLearner_addedLearner_passes(EtcdCluster cluster, ManagedChannel channel) {
    long id = addLearner(cluster, channel);

    assertThat(cluster).hasLearner(id);
  }

  @Test
  void hasLearner_voter_failsSayingItVotes(EtcdCluster cluster, @EtcdMember(1) Member m1) {
    assertThatThrownBy(() -> assertThat(cluster).hasLearner(m1))
        .hasMessageMatching("(?s)Expecting " + Long.toUnsignedString(m1.id(), 16)
            + " to be a learner, but it is a voter\\." + memberList(3));
  }

  @Test
  void hasNoLearner_withLearner_failsListingItUnstarted(EtcdCluster cluster,
      ManagedChannel channel) {
    addLearner(cluster, channel);

    assertThatThrownBy(() -> assertThat(cluster).hasNoLearner())
        .hasMessageMatching("(?s)Expecting no learner, but there is one\\..*"
            + "\n  [0-9a-f]+ \\(not started\\) learner peers=\\[http://10.0.0.9:2380\\] "
            + "clients=\\[\\].*");
  }

  @Test
  void doesNotHaveMember_removed_passes_andPresentFails(EtcdCluster cluster,
      ManagedChannel channel, @EtcdMember(1) Member m1, @EtcdMember(2) Member m2) {
    cluster.clock().advance(HEALTH_INTERVAL);
    ClusterGrpc.newBlockingStub(channel).memberRemove(
        MemberRemoveRequest.newBuilder().setID(m2.id()).build());

    assertThat(cluster).doesNotHaveMember(m2).hasMembers(2);
    assertThatThrownBy(() -> assertThat(cluster).doesNotHaveMember(m1))
        .hasMessageMatching("(?s)Expecting member-1 not to be a member, but it is\\."
            + memberList(2));
  }

  @Test
  void hasAlarm_raised_passes_andOtherMemberFailsListingIt(EtcdCluster cluster,
      @EtcdMember(0) Member m0, @EtcdMember(1) Member m1) {
    cluster.alarms().activate(m0, AlarmType.NOSPACE);

    assertThat(cluster).hasAlarm(m0, AlarmType.NOSPACE);
    assertThatThrownBy(() -> assertThat(cluster).hasAlarm(m1, AlarmType.NOSPACE))
        .hasMessage("Expecting alarm NOSPACE for member-1, but it is not raised.\n"
            + "Alarms (seed 7):\n  NOSPACE for " + m0);
  }

  @Test
  void hasNoAlarms_quietCluster_passes(EtcdCluster cluster) {
    assertThat(cluster).hasNoAlarms();
  }

  @Test
  void hasNoAlarms_withAlarm_failsListingIt(EtcdCluster cluster, @EtcdMember(2) Member m2) {
    cluster.alarms().activate(m2, AlarmType.CORRUPT);

    assertThatThrownBy(() -> assertThat(cluster).hasNoAlarms())
        .hasMessage("Expecting no alarm, but 1 are raised.\nAlarms (seed 7):\n  CORRUPT for "
            + m2);
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
