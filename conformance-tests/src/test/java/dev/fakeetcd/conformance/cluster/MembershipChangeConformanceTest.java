package dev.fakeetcd.conformance.cluster;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Stubs.kv;
import static dev.fakeetcd.conformance.Stubs.members;
import static dev.fakeetcd.conformance.Stubs.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Member;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberPromoteRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.lock.LockGrpc;
import dev.fakeetcd.api.lock.LockRequest;
import dev.fakeetcd.conformance.Await;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.Members;
import dev.fakeetcd.conformance.PrivateCluster;
import dev.fakeetcd.testing.WatchTestClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Membership changes with members started and stopped by the launcher, each on a cluster of its
 * own: a learner that joins, catches up and is promoted; a voter that joins; removed members.
 */
class MembershipChangeConformanceTest {

  private static final ByteString KEY = ByteString.copyFromUtf8("written-before");
  private static final String LEARNER_ERROR = "etcdserver: rpc not supported for learner";
  private static final String NOT_READY =
      "etcdserver: can only promote a learner member which is in sync with leader";

  private static RangeRequest serializable() {
    return RangeRequest.newBuilder().setKey(KEY).setSerializable(true).build();
  }

  /** A private cluster with {@link #KEY} written, plus a started learner; its channel is last. */
  private static PrivateCluster withStartedLearner(ClusterLauncher launcher) throws Exception {
    PrivateCluster cluster = launcher.launch();
    kv(cluster.channels().get(0)).put(PutRequest.newBuilder().setKey(KEY)
        .setValue(ByteString.copyFromUtf8("v")).build());
    Members.startLearner(cluster);
    return cluster;
  }

  private static ManagedChannel learner(PrivateCluster cluster) {
    return cluster.channels().get(cluster.memberCount() - 1);
  }

  private static void promote(PrivateCluster cluster, long id) throws InterruptedException {
    Await.until("the learner is promoted", () -> {
      try {
        members(cluster.channels().get(0))
            .memberPromote(MemberPromoteRequest.newBuilder().setID(id).build());
        return true;
      } catch (StatusRuntimeException e) {
        if (NOT_READY.equals(e.getStatus().getDescription())) {
          return false;
        }
        throw new AssertionError("promote failed", e);
      }
    });
  }

  private static void assertRefusedForLearner(ThrowingCallable call) {
    assertFails(call, Status.Code.UNAVAILABLE, LEARNER_ERROR);
  }

  @ConformanceTest
  void startedLearner_catchesUp_servesSerializableRangeAndStatus(ClusterLauncher launcher)
      throws Exception {
    PrivateCluster cluster = withStartedLearner(launcher);
    ManagedChannel learner = learner(cluster);

    Await.until("the learner has the key written before it joined",
        () -> kv(learner).range(serializable()).getCount() == 1);
    assertThat(kv(learner).range(serializable()).getKvs(0).getValue().toStringUtf8())
        .isEqualTo("v");
    assertThat(status(learner).getLeader()).isEqualTo(status(cluster.channels().get(0))
        .getLeader());
  }

  @ConformanceTest
  void startedLearner_refusesEveryOtherRpc(ClusterLauncher launcher) throws Exception {
    PrivateCluster cluster = withStartedLearner(launcher);
    ManagedChannel learner = learner(cluster);

    assertRefusedForLearner(() -> kv(learner).range(RangeRequest.newBuilder().setKey(KEY).build()));
    assertRefusedForLearner(() -> kv(learner).put(PutRequest.newBuilder().setKey(KEY).build()));
    assertRefusedForLearner(() -> members(learner).memberList(
        MemberListRequest.getDefaultInstance()));
    assertRefusedForLearner(() -> LockGrpc.newBlockingStub(learner)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .lock(LockRequest.newBuilder().setName(ByteString.copyFromUtf8("l")).build()));
    WatchTestClient watch = new WatchTestClient(learner);
    watch.create(WatchCreateRequest.newBuilder().setKey(KEY));
    assertRefusedForLearner(() -> {
      throw watch.ended().asRuntimeException();
    });
  }

  @ConformanceTest
  void memberPromote_startedLearner_servesEverything(ClusterLauncher launcher) throws Exception {
    PrivateCluster cluster = withStartedLearner(launcher);
    ManagedChannel learner = learner(cluster);
    long id = status(learner).getHeader().getMemberId();

    promote(cluster, id);

    Await.until("the promoted member knows it votes", () -> !status(learner).getIsLearner());
    kv(learner).put(PutRequest.newBuilder().setKey(KEY)
        .setValue(ByteString.copyFromUtf8("w")).build());
    assertThat(kv(learner).range(RangeRequest.newBuilder().setKey(KEY).build()).getKvs(0)
        .getValue().toStringUtf8()).isEqualTo("w");
    assertThat(members(learner).memberList(MemberListRequest.getDefaultInstance())
        .getMembersList()).hasSize(cluster.memberCount()).noneMatch(Member::getIsLearner);
  }

  @ConformanceTest
  void memberAdd_voterStarted_joinsAndServes(ClusterLauncher launcher) throws Exception {
    PrivateCluster cluster = launcher.launch();
    String peerUrl = cluster.newPeerUrl();
    long id = Members.add(cluster, peerUrl, false).getMember().getID();

    cluster.startAdded(id, peerUrl);

    ManagedChannel added = cluster.channels().get(cluster.memberCount() - 1);
    assertThat(status(added).getIsLearner()).isFalse();
    long revision = kv(added).put(PutRequest.newBuilder().setKey(KEY).build()).getHeader()
        .getRevision();
    assertThat(kv(cluster.channels().get(0)).range(RangeRequest.newBuilder().setKey(KEY).build())
        .getKvs(0).getModRevision()).isEqualTo(revision);
    assertThat(members(added).memberList(MemberListRequest.getDefaultInstance()).getMembersList())
        .hasSize(cluster.memberCount()).noneMatch(Member::getIsLearner)
        .allSatisfy(m -> assertThat(m.getName()).isNotEmpty());
  }

  @ConformanceTest
  void memberRemove_startedMember_itsProcessStops(ClusterLauncher launcher) throws Exception {
    PrivateCluster cluster = launcher.launch();
    int before = cluster.memberCount();
    long id = Members.startVoter(cluster);
    ManagedChannel added = cluster.channels().get(before);

    Members.remove(cluster.channels().get(0), id);

    Await.until("the removed member stops serving", () -> {
      try {
        status(added);
        return false;
      } catch (StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.UNAVAILABLE;
      }
    });
    assertThat(members(cluster.channels().get(0)).memberList(
        MemberListRequest.getDefaultInstance()).getMembersList()).hasSize(before)
        .extracting(Member::getID).doesNotContain(id);
  }

  @ConformanceTest
  void memberRemove_leader_theOthersElectANewOne(ClusterLauncher launcher) throws Exception {
    PrivateCluster cluster = launcher.launch();
    // One more voter, so that a one-member target keeps a member after losing its leader.
    Members.startVoter(cluster);
    long leader = status(cluster.channels().get(0)).getLeader();
    ManagedChannel staying = cluster.channels().stream()
        .filter(c -> status(c).getHeader().getMemberId() != leader).findFirst().orElseThrow();

    Members.remove(staying, leader);

    Await.until("a new leader", () -> {
      long now = status(staying).getLeader();
      return now != 0 && now != leader;
    });
    // The launched cluster is fresh: its first write makes revision 2.
    assertThat(kv(staying).put(PutRequest.newBuilder().setKey(KEY).build()).getHeader()
        .getRevision()).isEqualTo(2);
    assertThat(members(staying).memberList(MemberListRequest.getDefaultInstance())
        .getMembersList()).extracting(Member::getID).doesNotContain(leader)
        .hasSize(cluster.memberCount() - 1);
  }
}
