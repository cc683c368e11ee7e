package dev.fakeetcd;

import static dev.fakeetcd.Clusters.HEALTH_INTERVAL;
import static dev.fakeetcd.Clusters.assertFails;
import static dev.fakeetcd.Clusters.memberAdd;
import static dev.fakeetcd.Clusters.memberRemove;
import static dev.fakeetcd.Clusters.otherThan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.MemberPromoteRequest;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * etcd 3.4's strict reconfiguration check on transport health: a MemberAdd, and a MemberRemove of
 * a running voter, are refused with {@code unhealthy cluster} until the member asked has been
 * connected long enough (HealthInterval, 5 s of virtual time) to the voters.
 */
class EtcdClusterHealthTest {

  private static final String NEW_PEER = "http://10.0.0.9:2380";

  private final Clusters clusters = new Clusters();

  @AfterEach
  void close() {
    clusters.close();
  }

  @Test
  void memberAdd_rightAfterStart_failsUnhealthy() {
    EtcdCluster cluster = clusters.start(3, 101);

    assertFails(EtcdError.UNHEALTHY,
        () -> clusters.cluster(cluster, cluster.member(0)).memberAdd(memberAdd(NEW_PEER, true)));
    assertThat(cluster.memberList()).hasSize(3);
  }

  @Test
  void memberAdd_afterHealthInterval_isAccepted() {
    EtcdCluster cluster = clusters.start(3, 102);
    cluster.clock().advance(HEALTH_INTERVAL);

    assertThat(clusters.cluster(cluster, cluster.member(0)).memberAdd(memberAdd(NEW_PEER, true))
        .getMembersList()).hasSize(4);
  }

  @Test
  void memberAdd_oneMemberCluster_acceptedAtOnce() {
    EtcdCluster cluster = clusters.start(1, 103);

    assertThat(clusters.cluster(cluster, cluster.member(0)).memberAdd(memberAdd(NEW_PEER, true))
        .getMembersList()).hasSize(2);
  }

  @Test
  void memberAdd_voterIsolated_failsUnhealthy() {
    EtcdCluster cluster = clusters.start(3, 104);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    cluster.network().isolate(otherThan(cluster, leader));

    assertFails(EtcdError.UNHEALTHY,
        () -> clusters.cluster(cluster, leader).memberAdd(memberAdd(NEW_PEER, true)));
  }

  @Test
  void memberAdd_voterHealed_refusedForAnotherHealthInterval() {
    EtcdCluster cluster = clusters.start(3, 105);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    cluster.network().isolate(otherThan(cluster, leader));
    cluster.network().heal();

    cluster.clock().advance(HEALTH_INTERVAL.minusMillis(1));
    assertFails(EtcdError.UNHEALTHY,
        () -> clusters.cluster(cluster, leader).memberAdd(memberAdd(NEW_PEER, true)));
    cluster.clock().advance(Duration.ofMillis(2));
    assertThat(clusters.cluster(cluster, leader).memberAdd(memberAdd(NEW_PEER, true))
        .getMembersList()).hasSize(4);
  }

  @Test
  void memberAdd_addedVoterNotStarted_failsUnhealthy() {
    EtcdCluster cluster = clusters.start(3, 106);
    cluster.clock().advance(HEALTH_INTERVAL);
    ClusterGrpc.ClusterBlockingStub stub = clusters.cluster(cluster, cluster.member(0));
    stub.memberAdd(memberAdd(NEW_PEER, false));

    assertFails(EtcdError.UNHEALTHY,
        () -> stub.memberAdd(memberAdd("http://10.0.0.10:2380", true)));
  }

  @Test
  void memberRemove_runningVoterWhileAnotherIsCutOff_failsUnhealthy() {
    EtcdCluster cluster = clusters.start(3, 107);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    Member follower = otherThan(cluster, leader);
    cluster.network().isolate(otherThan(cluster, leader, follower));

    assertFails(EtcdError.UNHEALTHY,
        () -> clusters.cluster(cluster, leader).memberRemove(memberRemove(follower.id())));
    assertThat(cluster.memberList()).hasSize(3);
  }

  @Test
  void memberRemove_runningVoterRightAfterStart_failsUnhealthy() {
    EtcdCluster cluster = clusters.start(3, 108);
    Member leader = cluster.awaitLeader();

    assertFails(EtcdError.UNHEALTHY,
        () -> clusters.cluster(cluster, leader)
            .memberRemove(memberRemove(otherThan(cluster, leader).id())));
  }

  @Test
  void memberRemove_crashedVoter_acceptedAtOnce() {
    EtcdCluster cluster = clusters.start(3, 109);
    Member leader = cluster.awaitLeader();
    Member crashed = otherThan(cluster, leader);
    crashed.crash();

    assertThat(clusters.cluster(cluster, leader).memberRemove(memberRemove(crashed.id()))
        .getMembersList())
        .extracting(dev.fakeetcd.api.Member::getID).hasSize(2).doesNotContain(crashed.id());
  }

  @Test
  void memberRemove_isolatedVoter_accepted() {
    EtcdCluster cluster = clusters.start(3, 110);
    Member leader = cluster.awaitLeader();
    Member isolated = otherThan(cluster, leader);
    cluster.network().isolate(isolated);

    assertThat(clusters.cluster(cluster, leader).memberRemove(memberRemove(isolated.id()))
        .getMembersList())
        .hasSize(2);
  }

  @Test
  void memberRemove_voterWhileAnotherJustRestarted_failsUnhealthy() {
    EtcdCluster cluster = clusters.start(3, 111);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    Member follower = otherThan(cluster, leader);
    Member restarted = otherThan(cluster, leader, follower);
    restarted.crash();
    restarted.restart();

    cluster.clock().advance(HEALTH_INTERVAL);
    assertFails(EtcdError.UNHEALTHY,
        () -> clusters.cluster(cluster, leader).memberRemove(memberRemove(follower.id())));
    cluster.clock().advance(Duration.ofMillis(1));
    assertThat(clusters.cluster(cluster, leader).memberRemove(memberRemove(follower.id()))
        .getMembersList())
        .hasSize(2);
  }

  @Test
  void memberRemove_learnerWhileAVoterIsCutOff_accepted() {
    EtcdCluster cluster = clusters.start(3, 112);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    long id = clusters.startedLearner(cluster, leader, NEW_PEER).id();
    cluster.network().isolate(otherThan(cluster, leader));

    assertThat(clusters.cluster(cluster, leader).memberRemove(memberRemove(id)).getMembersList())
        .hasSize(3);
  }

  @Test
  void memberPromote_withAVoterCutOff_isNotCheckedForHealth() {
    EtcdCluster cluster = clusters.start(3, 113);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    long id = clusters.startedLearner(cluster, leader, NEW_PEER).id();
    cluster.clock().advance(Duration.ofSeconds(1));
    cluster.network().isolate(otherThan(cluster, leader));

    assertThat(clusters.cluster(cluster, leader).memberPromote(
        MemberPromoteRequest.newBuilder().setID(id).build()).getMembersList())
        .filteredOn(m -> m.getID() == id).singleElement()
        .satisfies(m -> assertThat(m.getIsLearner()).isFalse());
  }
}
