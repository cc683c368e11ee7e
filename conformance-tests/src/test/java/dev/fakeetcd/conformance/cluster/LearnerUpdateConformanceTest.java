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
import dev.fakeetcd.api.MemberUpdateRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.conformance.Await;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.Members;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.ManagedChannel;
import io.grpc.Status;

/**
 * etcd 3.4 decides whether a member is a learner from its own member list, which MemberUpdate
 * wipes of the flag, while Raft keeps the member a learner: after MemberUpdate (to the same peer
 * URL, which keeps its peer traffic flowing), a started learner serves everything and can no longer
 * be promoted. Observed on etcd 3.4.23, one- and three-member clusters.
 */
class LearnerUpdateConformanceTest {

  private static final ByteString KEY = ByteString.copyFromUtf8("after-update");

  /** A started learner, MemberUpdated to its own peer URL; returns its ID (its channel is last). */
  private static long updatedLearner(PrivateCluster cluster) throws Exception {
    long id = Members.startLearner(cluster);
    ManagedChannel learner = cluster.channels().get(cluster.memberCount() - 1);
    ManagedChannel first = cluster.channels().get(0);
    String peerUrl = members(first).memberList(MemberListRequest.getDefaultInstance())
        .getMembersList().stream().filter(m -> m.getID() == id).findFirst().orElseThrow()
        .getPeerURLs(0);
    members(first).memberUpdate(
        MemberUpdateRequest.newBuilder().setID(id).addPeerURLs(peerUrl).build());
    Await.until("the learner applied the update", () -> !status(learner).getIsLearner());
    return id;
  }

  @ConformanceTest
  void memberUpdate_startedLearner_servesWritesReadsAndMemberList(ClusterLauncher launcher)
      throws Exception {
    PrivateCluster cluster = launcher.launch();
    long id = updatedLearner(cluster);
    ManagedChannel learner = cluster.channels().get(cluster.memberCount() - 1);

    kv(learner).put(PutRequest.newBuilder().setKey(KEY).setValue(ByteString.copyFromUtf8("v"))
        .build());

    assertThat(kv(learner).range(RangeRequest.newBuilder().setKey(KEY).build()).getCount())
        .isEqualTo(1);
    assertThat(members(learner).memberList(MemberListRequest.getDefaultInstance())
        .getMembersList()).filteredOn(m -> m.getID() == id).singleElement()
        .extracting(Member::getIsLearner).isEqualTo(false);
  }

  @ConformanceTest
  void memberUpdate_startedLearner_canNoLongerBePromoted(ClusterLauncher launcher)
      throws Exception {
    PrivateCluster cluster = launcher.launch();
    long id = updatedLearner(cluster);

    assertFails(() -> members(cluster.channels().get(0))
        .memberPromote(MemberPromoteRequest.newBuilder().setID(id).build()),
        Status.Code.FAILED_PRECONDITION, "etcdserver: can only promote a learner member");
  }
}
