package dev.fakeetcd.conformance.cluster;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Stubs.maintenance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.MoveLeaderRequest;
import dev.fakeetcd.api.MoveLeaderResponse;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.StatusResponse;
import dev.fakeetcd.conformance.Await;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.Members;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Maintenance.MoveLeader. On shared targets a test that moves the leader moves it back, so the
 * cluster ends as it started; faults and learners get a private cluster.
 */
class MoveLeaderConformanceTest {

  private static final String NOT_LEADER = "etcdserver: not leader";
  private static final String BAD_TRANSFEREE = "etcdserver: bad leader transferee";
  private static final String TRANSFER_TIMEOUT =
      "etcdserver: request timed out, leader transfer took too long";
  /** No member of any target has this ID. */
  private static final long UNKNOWN_MEMBER = 12345;

  private static List<StatusResponse> statuses(EtcdTarget target) {
    List<StatusResponse> all = new ArrayList<>();
    for (int m = 0; m < target.memberCount(); m++) {
      all.add(maintenance(target, m).status(StatusRequest.getDefaultInstance()));
    }
    return all;
  }

  /** The index of the member every member names as leader. */
  private static int leaderIndex(EtcdTarget target) {
    List<StatusResponse> all = statuses(target);
    for (int m = 0; m < all.size(); m++) {
      if (all.get(m).getHeader().getMemberId() == all.get(0).getLeader()) {
        return m;
      }
    }
    throw new IllegalStateException(target.name() + " has no leader: " + all);
  }

  private static long memberId(EtcdTarget target, int member) {
    return maintenance(target, member).status(StatusRequest.getDefaultInstance()).getHeader()
        .getMemberId();
  }

  private static MoveLeaderRequest to(long id) {
    return MoveLeaderRequest.newBuilder().setTargetID(id).build();
  }

  /** Moves leadership from member {@code from} to member {@code to} and waits until all agree. */
  private static MoveLeaderResponse move(EtcdTarget target, int from, int to) throws Exception {
    long toId = memberId(target, to);
    MoveLeaderResponse response = maintenance(target, from).moveLeader(to(toId));
    // The old leader answers once it follows the new one; the others hear of it at their pace.
    Await.until("every member follows " + toId,
        () -> statuses(target).stream().allMatch(s -> s.getLeader() == toId));
    return response;
  }

  @ConformanceTest(minMembers = 3)
  void moveLeader_onAFollower_failsNotLeader(EtcdTarget target) {
    int leader = leaderIndex(target);
    int follower = (leader + 1) % target.memberCount();

    assertFails(() -> maintenance(target, follower).moveLeader(to(memberId(target, leader))),
        Status.Code.FAILED_PRECONDITION, NOT_LEADER);
  }

  @ConformanceTest(minMembers = 3)
  void moveLeader_onAFollowerToAnUnknownMember_failsNotLeaderFirst(EtcdTarget target) {
    int follower = (leaderIndex(target) + 1) % target.memberCount();

    assertFails(() -> maintenance(target, follower).moveLeader(to(UNKNOWN_MEMBER)),
        Status.Code.FAILED_PRECONDITION, NOT_LEADER);
  }

  @ConformanceTest
  void moveLeader_toAnUnknownMember_failsBadTransferee(EtcdTarget target) {
    int leader = leaderIndex(target);

    assertFails(() -> maintenance(target, leader).moveLeader(to(UNKNOWN_MEMBER)),
        Status.Code.FAILED_PRECONDITION, BAD_TRANSFEREE);
  }

  @ConformanceTest
  void moveLeader_toTheLeaderItself_succeedsWithAnEmptyResponse(EtcdTarget target) {
    int leader = leaderIndex(target);

    MoveLeaderResponse response = maintenance(target, leader)
        .moveLeader(to(memberId(target, leader)));

    assertThat(response.hasHeader()).isFalse();
    assertThat(response).isEqualTo(MoveLeaderResponse.getDefaultInstance());
    assertThat(leaderIndex(target)).isEqualTo(leader);
  }

  @ConformanceTest(minMembers = 3)
  void moveLeader_toAFollower_answersEmptyAndEveryMemberFollowsIt(EtcdTarget target)
      throws Exception {
    int leader = leaderIndex(target);
    int follower = (leader + 1) % target.memberCount();

    MoveLeaderResponse response;
    try {
      response = move(target, leader, follower);
    } finally {
      if (leaderIndex(target) != leader) {
        move(target, leaderIndex(target), leader);
      }
    }

    assertThat(response).isEqualTo(MoveLeaderResponse.getDefaultInstance());
  }

  @ConformanceTest
  void moveLeader_toALearner_failsBadTransferee(ClusterLauncher launcher) throws Exception {
    PrivateCluster cluster = launcher.launch();
    long learner = Members.add(cluster, cluster.newPeerUrl(), true).getMember().getID();
    int leader = leaderIndex(cluster);

    assertFails(() -> maintenance(cluster, leader).moveLeader(to(learner)),
        Status.Code.FAILED_PRECONDITION, BAD_TRANSFEREE);
  }

  /**
   * etcd waits for the new leader on the client's context alone; the client's deadline ends it. The
   * server's copy of that deadline may fire first, and then its own answer (code Unknown) reaches
   * the client before the client's timer does.
   */
  @ConformanceTest(minMembers = 3)
  void moveLeader_toAStoppedMember_waitsUntilTheClientsDeadline(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch();
    int leader = leaderIndex(cluster);
    int stopped = (leader + 1) % cluster.memberCount();
    long stoppedId = memberId(cluster, stopped);
    cluster.stop(stopped);

    // Past the election timeout (1 s), after which Raft gives the transfer up.
    assertThatThrownBy(() -> MaintenanceGrpc.newBlockingStub(cluster.channels().get(leader))
        .withDeadlineAfter(3, TimeUnit.SECONDS).moveLeader(to(stoppedId)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus())
            .satisfiesAnyOf(
                status -> assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED),
                status -> {
                  assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
                  assertThat(status.getDescription()).isEqualTo(TRANSFER_TIMEOUT);
                }));
    assertThat(maintenance(cluster, leader).status(StatusRequest.getDefaultInstance())
        .getLeader()).isEqualTo(memberId(cluster, leader));
  }
}
