package dev.fakeetcd;

import static dev.fakeetcd.Clusters.HEALTH_INTERVAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberPromoteRequest;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.server.EtcdError;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

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

  private ClusterGrpc.ClusterBlockingStub stub(EtcdCluster cluster, Member member) {
    return ClusterGrpc.newBlockingStub(clusters.channel(cluster, member));
  }

  private static MemberAddRequest learner(String url) {
    return MemberAddRequest.newBuilder().addPeerURLs(url).setIsLearner(true).build();
  }

  private static MemberRemoveRequest remove(Member member) {
    return MemberRemoveRequest.newBuilder().setID(member.id()).build();
  }

  private static void assertUnhealthy(Executable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::execute);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: unhealthy cluster");
  }

  /** The first member that is none of {@code not}. */
  private static Member otherThan(EtcdCluster cluster, Member... not) {
    return cluster.members().stream()
        .filter(m -> Arrays.stream(not).noneMatch(n -> n.id() == m.id()))
        .findFirst().orElseThrow();
  }

  @Test
  void memberAdd_rightAfterStart_failsUnhealthy() {
    EtcdCluster cluster = clusters.start(3, 101);

    assertUnhealthy(() -> stub(cluster, cluster.member(0)).memberAdd(learner(NEW_PEER)));
    assertThat(cluster.memberList()).hasSize(3);
  }

  @Test
  void memberAdd_afterHealthInterval_isAccepted() {
    EtcdCluster cluster = clusters.start(3, 102);
    cluster.clock().advance(HEALTH_INTERVAL);

    assertThat(stub(cluster, cluster.member(0)).memberAdd(learner(NEW_PEER)).getMembersList())
        .hasSize(4);
  }

  @Test
  void memberAdd_oneMemberCluster_acceptedAtOnce() {
    EtcdCluster cluster = clusters.start(1, 103);

    assertThat(stub(cluster, cluster.member(0)).memberAdd(learner(NEW_PEER)).getMembersList())
        .hasSize(2);
  }

  @Test
  void memberAdd_voterIsolated_failsUnhealthy() {
    EtcdCluster cluster = clusters.start(3, 104);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    cluster.network().isolate(otherThan(cluster, leader));

    assertUnhealthy(() -> stub(cluster, leader).memberAdd(learner(NEW_PEER)));
  }

  @Test
  void memberAdd_voterHealed_refusedForAnotherHealthInterval() {
    EtcdCluster cluster = clusters.start(3, 105);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    cluster.network().isolate(otherThan(cluster, leader));
    cluster.network().heal();

    cluster.clock().advance(HEALTH_INTERVAL.minusMillis(1));
    assertUnhealthy(() -> stub(cluster, leader).memberAdd(learner(NEW_PEER)));
    cluster.clock().advance(Duration.ofMillis(2));
    assertThat(stub(cluster, leader).memberAdd(learner(NEW_PEER)).getMembersList()).hasSize(4);
  }

  @Test
  void memberAdd_addedVoterNotStarted_failsUnhealthy() {
    EtcdCluster cluster = clusters.start(3, 106);
    cluster.clock().advance(HEALTH_INTERVAL);
    ClusterGrpc.ClusterBlockingStub stub = stub(cluster, cluster.member(0));
    stub.memberAdd(MemberAddRequest.newBuilder().addPeerURLs(NEW_PEER).build());

    assertUnhealthy(() -> stub.memberAdd(learner("http://10.0.0.10:2380")));
  }

  @Test
  void memberRemove_runningVoterWhileAnotherIsCutOff_failsUnhealthy() {
    EtcdCluster cluster = clusters.start(3, 107);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    Member follower = otherThan(cluster, leader);
    cluster.network().isolate(otherThan(cluster, leader, follower));

    assertUnhealthy(() -> stub(cluster, leader).memberRemove(remove(follower)));
    assertThat(cluster.memberList()).hasSize(3);
  }

  @Test
  void memberRemove_runningVoterRightAfterStart_failsUnhealthy() {
    EtcdCluster cluster = clusters.start(3, 108);
    Member leader = cluster.awaitLeader();

    assertUnhealthy(() -> stub(cluster, leader).memberRemove(remove(otherThan(cluster, leader))));
  }

  @Test
  void memberRemove_crashedVoter_acceptedAtOnce() {
    EtcdCluster cluster = clusters.start(3, 109);
    Member leader = cluster.awaitLeader();
    Member crashed = otherThan(cluster, leader);
    crashed.crash();

    assertThat(stub(cluster, leader).memberRemove(remove(crashed)).getMembersList())
        .extracting(dev.fakeetcd.api.Member::getID).hasSize(2).doesNotContain(crashed.id());
  }

  @Test
  void memberRemove_isolatedVoter_accepted() {
    EtcdCluster cluster = clusters.start(3, 110);
    Member leader = cluster.awaitLeader();
    Member isolated = otherThan(cluster, leader);
    cluster.network().isolate(isolated);

    assertThat(stub(cluster, leader).memberRemove(remove(isolated)).getMembersList())
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
    assertUnhealthy(() -> stub(cluster, leader).memberRemove(remove(follower)));
    cluster.clock().advance(Duration.ofMillis(1));
    assertThat(stub(cluster, leader).memberRemove(remove(follower)).getMembersList()).hasSize(2);
  }

  @Test
  void memberRemove_learnerWhileAVoterIsCutOff_accepted() {
    EtcdCluster cluster = clusters.start(3, 112);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    long id = stub(cluster, leader).memberAdd(learner(NEW_PEER)).getMember().getID();
    cluster.startAddedMember(id);
    cluster.network().isolate(otherThan(cluster, leader));

    assertThat(stub(cluster, leader).memberRemove(
        MemberRemoveRequest.newBuilder().setID(id).build()).getMembersList()).hasSize(3);
  }

  @Test
  void memberPromote_withAVoterCutOff_isNotCheckedForHealth() {
    EtcdCluster cluster = clusters.start(3, 113);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    long id = stub(cluster, leader).memberAdd(learner(NEW_PEER)).getMember().getID();
    cluster.startAddedMember(id);
    cluster.clock().advance(Duration.ofSeconds(1));
    cluster.network().isolate(otherThan(cluster, leader));

    assertThat(stub(cluster, leader).memberPromote(
        MemberPromoteRequest.newBuilder().setID(id).build()).getMembersList())
        .filteredOn(m -> m.getID() == id).singleElement()
        .satisfies(m -> assertThat(m.getIsLearner()).isFalse());
  }
}
