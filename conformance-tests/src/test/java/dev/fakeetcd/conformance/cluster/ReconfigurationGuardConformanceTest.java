package dev.fakeetcd.conformance.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.Member;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.conformance.Await;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.Members;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * etcd's guards on membership changes that would cost the cluster its quorum, each on a cluster of
 * its own: a voter removal while a member is down, and voters added or removed while too few of
 * the voters have ever started.
 */
class ReconfigurationGuardConformanceTest {

  private static final String UNHEALTHY = "etcdserver: unhealthy cluster";
  private static final String NOT_ENOUGH_STARTED =
      "etcdserver: re-configuration failed due to not enough started members";

  private static ClusterGrpc.ClusterBlockingStub members(ManagedChannel channel) {
    return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static long id(PrivateCluster cluster, int index) {
    return MaintenanceGrpc.newBlockingStub(cluster.channels().get(index))
        .withDeadlineAfter(5, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance())
        .getHeader().getMemberId();
  }

  private static void remove(PrivateCluster cluster, long id) {
    members(cluster.channels().get(0)).memberRemove(MemberRemoveRequest.newBuilder().setID(id)
        .build());
  }

  private static void assertRefused(ThrowingCallable call, Status.Code code, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).isEqualTo(message);
    });
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
    assertRefused(() -> remove(cluster, running), Status.Code.UNAVAILABLE, UNHEALTHY);
  }

  @ConformanceTest(minMembers = 3)
  void memberRemove_stoppedMember_isAccepted(ClusterLauncher launcher) throws Exception {
    PrivateCluster cluster = launcher.launch();
    long stopped = id(cluster, 2);
    cluster.stop(2);

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

    assertRefused(() -> members(cluster.channels().get(0)).memberAdd(MemberAddRequest.newBuilder()
        .addPeerURLs(cluster.newPeerUrl()).build()), Status.Code.UNKNOWN,
        NOT_ENOUGH_STARTED);
  }

  @ConformanceTest(maxMembers = 1)
  void memberRemove_onlyStartedVoter_failsNotEnoughStartedMembers(ClusterLauncher launcher)
      throws Exception {
    PrivateCluster cluster = launcher.launch();
    long only = id(cluster, 0);
    Members.add(cluster, cluster.newPeerUrl(), false);

    assertRefused(() -> remove(cluster, only), Status.Code.UNKNOWN,
        NOT_ENOUGH_STARTED);
  }
}
