package dev.fakeetcd.conformance.cluster;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Stubs.members;
import static dev.fakeetcd.conformance.Stubs.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.Member;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.conformance.Await;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.Members;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * etcd's guards on membership changes that would cost the cluster its quorum, each on a cluster of
 * its own: a voter removal while a member is down, and voters added or removed while too few of
 * the voters have ever started.
 */
class ReconfigurationGuardConformanceTest {

  private static final String UNHEALTHY = "etcdserver: unhealthy cluster";
  private static final String NOT_ENOUGH_STARTED =
      "etcdserver: re-configuration failed due to not enough started members";

  private static long id(PrivateCluster cluster, int index) {
    return status(cluster.channels().get(index)).getHeader().getMemberId();
  }

  private static void remove(PrivateCluster cluster, long id) {
    members(cluster.channels().get(0)).memberRemove(MemberRemoveRequest.newBuilder().setID(id)
        .build());
  }

  @ConformanceTest(minMembers = 3)
  void memberRemove_runningVoterWhileAMemberIsDown_failsUnhealthy(ClusterLauncher launcher)
      throws Exception {
    PrivateCluster cluster = launcher.launch();
    long running = id(cluster, 1);
    cluster.stop(2);

    // a real etcd notices the stopped peer only when its connection breaks
    Await.until("member 0 refuses the removal as unhealthy", () -> {
      try {
        remove(cluster, running);
        throw new AssertionError("removal of a running voter was accepted");
      } catch (StatusRuntimeException e) {
        return UNHEALTHY.equals(e.getStatus().getDescription());
      }
    });
    assertFails(() -> remove(cluster, running), Status.Code.UNAVAILABLE, UNHEALTHY);
  }

  @ConformanceTest(minMembers = 3)
  void memberRemove_stoppedMember_isAccepted(ClusterLauncher launcher) throws Exception {
    PrivateCluster cluster = launcher.launch();
    long stopped = id(cluster, 2);
    cluster.stop(2);
    // A killed leader hands nothing over: etcd 3.4 drops a change proposed before the others have
    // elected a new one, and its caller waits for its deadline.
    Await.until("member 0 knows a live leader", () -> {
      long leader = status(cluster.channels().get(0)).getLeader();
      return leader != 0 && leader != stopped;
    });

    Members.remove(cluster.channels().get(0), stopped);

    assertThat(members(cluster.channels().get(0)).memberList(
        MemberListRequest.getDefaultInstance()).getMembersList())
        .extracting(Member::getID).doesNotContain(stopped);
  }

  @ConformanceTest(maxMembers = 1)
  void memberAdd_secondVoterNeverStarted_failsNotEnoughStartedMembers(ClusterLauncher launcher)
      throws Exception {
    PrivateCluster cluster = launcher.launch();
    Members.add(cluster, cluster.newPeerUrl(), false);

    assertFails(() -> members(cluster.channels().get(0)).memberAdd(MemberAddRequest.newBuilder()
        .addPeerURLs(cluster.newPeerUrl()).build()), Status.Code.UNKNOWN,
        NOT_ENOUGH_STARTED);
  }

  @ConformanceTest(maxMembers = 1)
  void memberRemove_onlyStartedVoter_failsNotEnoughStartedMembers(ClusterLauncher launcher)
      throws Exception {
    PrivateCluster cluster = launcher.launch();
    long only = id(cluster, 0);
    Members.add(cluster, cluster.newPeerUrl(), false);

    assertFails(() -> remove(cluster, only), Status.Code.UNKNOWN,
        NOT_ENOUGH_STARTED);
  }
}
