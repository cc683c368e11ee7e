package dev.fakeetcd;

import static dev.fakeetcd.Clusters.assertFails;
import static dev.fakeetcd.Clusters.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.MoveLeaderRequest;
import dev.fakeetcd.api.MoveLeaderResponse;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Maintenance.MoveLeader as etcd 3.4 serves it, on a manual clock. */
class EtcdClusterMoveLeaderTest {

  /** Every call is bounded: the server itself never ends a MoveLeader wait. */
  private static final long DEADLINE_SECONDS = 10;

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  private static MoveLeaderRequest to(long id) {
    return MoveLeaderRequest.newBuilder().setTargetID(id).build();
  }

  @Test
  void moveLeader_toFollower_handsOverWithoutTimePassingAndAnswersWithoutHeader() {
    EtcdCluster cluster = clusters.start(3, 41);
    Member leader = cluster.awaitLeader();
    Member target = Clusters.follower(cluster);
    long before = cluster.clock().nanos();

    MoveLeaderResponse response = clusters.maintenance(cluster, leader).moveLeader(to(target.id()));

    assertThat(response.hasHeader()).isFalse();
    assertThat(response).isEqualTo(MoveLeaderResponse.getDefaultInstance());
    assertThat(cluster.clock().nanos()).isEqualTo(before);
    assertThat(cluster.leader()).contains(target);
    for (Member m : cluster.members()) {
      assertThat(clusters.maintenance(cluster, m)
          .status(StatusRequest.getDefaultInstance()).getLeader())
          .as("leader seen by %s", m).isEqualTo(target.id());
    }
  }

  @Test
  void moveLeader_toItself_succeedsAtOnceAndKeepsTheLeader() {
    EtcdCluster cluster = clusters.start(3, 42);
    Member leader = cluster.awaitLeader();
    long term = leader.term();

    MoveLeaderResponse response = clusters.maintenance(cluster, leader).moveLeader(to(leader.id()));

    assertThat(response).isEqualTo(MoveLeaderResponse.getDefaultInstance());
    assertThat(cluster.leader()).contains(leader);
    assertThat(leader.term()).isEqualTo(term);
  }

  @Test
  void moveLeader_whoseTargetLeadsOnlyAfterNetworkDelays_completesAsVirtualTimePasses()
      throws Exception {
    EtcdCluster cluster = clusters.start(3, 43);
    Member leader = cluster.awaitLeader();
    Member target = Clusters.follower(cluster);
    cluster.network().latency(Duration.ofMillis(20), Duration.ZERO);

    ListenableFuture<MoveLeaderResponse> move = MaintenanceGrpc.newFutureStub(
        clusters.channel(cluster, leader)).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .moveLeader(to(target.id()));
    boolean doneWithoutTime = move.isDone();
    cluster.clock().advance(Duration.ofMillis(500));

    assertThat(doneWithoutTime).isFalse();
    assertThat(move.get(DEADLINE_SECONDS, TimeUnit.SECONDS))
        .isEqualTo(MoveLeaderResponse.getDefaultInstance());
    assertThat(cluster.leader()).contains(target);
  }

  @Test
  void moveLeader_toIsolatedMember_waitsPastRaftsAbortUntilTheClientsDeadline()
      throws Exception {
    EtcdCluster cluster = clusters.start(3, 44);
    Member leader = cluster.awaitLeader();
    Member target = Clusters.follower(cluster);
    cluster.network().isolate(target);

    ListenableFuture<MoveLeaderResponse> move = MaintenanceGrpc.newFutureStub(
        clusters.channel(cluster, leader)).withDeadlineAfter(3, TimeUnit.SECONDS)
        .moveLeader(to(target.id()));
    // Raft gives the transfer up after one election timeout; etcd keeps waiting regardless.
    cluster.clock().advance(Duration.ofSeconds(10));
    boolean doneInVirtualTime = move.isDone();

    assertThat(doneInVirtualTime).isFalse();
    assertThat(failureOf(move).getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(cluster.leader()).contains(leader);
  }

  @Test
  void moveLeader_onFollower_failsNotLeader() {
    EtcdCluster cluster = clusters.start(3, 45);
    cluster.awaitLeader();
    Member follower = Clusters.follower(cluster);

    assertFails(EtcdError.NOT_LEADER,
        () -> clusters.maintenance(cluster, follower).moveLeader(to(follower.id())));
  }

  @Test
  void moveLeader_toUnknownMember_failsBadTransferee() {
    EtcdCluster cluster = clusters.start(3, 46);
    Member leader = cluster.awaitLeader();

    assertFails(EtcdError.BAD_LEADER_TRANSFEREE,
        () -> clusters.maintenance(cluster, leader).moveLeader(to(12345)));
  }

  @Test
  void moveLeader_toLearner_failsBadTransferee() {
    EtcdCluster cluster = clusters.start(3, 47);
    cluster.clock().advance(Clusters.HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    long learner = clusters.startedLearner(cluster, leader, "http://10.0.0.9:2380").id();

    assertFails(EtcdError.BAD_LEADER_TRANSFEREE,
        () -> clusters.maintenance(cluster, leader).moveLeader(to(learner)));
    assertThat(cluster.leader()).contains(leader);
  }
}
