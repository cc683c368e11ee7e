package dev.fakeetcd.conformance.cluster;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.Member;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberAddResponse;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberListResponse;
import dev.fakeetcd.api.MemberPromoteRequest;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.api.MemberRemoveResponse;
import dev.fakeetcd.api.MemberUpdateRequest;
import dev.fakeetcd.api.MemberUpdateResponse;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.Members;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Cluster service on shared targets: only changes undone within the test. A learner with a
 * made-up peer URL is never started, so adding and removing it leaves the cluster as it was.
 */
class MemberConformanceTest {

  /**
   * TEST-NET-1: nothing listens there. Each test uses its own port: etcd derives the ID from the
   * URLs and the second, and refuses an ID removed before ("member not found").
   */
  private static final String MADE_UP_PEER = "http://192.0.2.1:";

  private static ClusterGrpc.ClusterBlockingStub cluster(EtcdTarget target) {
    return ClusterGrpc.newBlockingStub(target.channels().get(0))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static MemberListResponse list(EtcdTarget target) {
    return cluster(target).memberList(MemberListRequest.getDefaultInstance());
  }

  private static MemberAddResponse addLearner(EtcdTarget target, int port) throws Exception {
    return add(target, MADE_UP_PEER + port);
  }

  private static MemberAddResponse add(EtcdTarget target, String peerUrl) throws Exception {
    return Members.add(target, peerUrl, true);
  }

  private static MemberRemoveResponse remove(EtcdTarget target, long id) {
    return cluster(target).memberRemove(MemberRemoveRequest.newBuilder().setID(id).build());
  }

  @ConformanceTest
  void memberList_startedVotersSortedByIdWithoutRevision(EtcdTarget target) {
    MemberListResponse list = list(target);

    assertThat(list.getHeader().getRevision()).isZero();
    assertThat(list.getHeader().getMemberId()).isNotZero();
    assertThat(list.getMembersList()).hasSize(target.memberCount())
        .extracting(Member::getID).isSortedAccordingTo(Long::compareUnsigned);
    assertThat(list.getMembersList()).allSatisfy(m -> {
      assertThat(m.getName()).isNotEmpty();
      assertThat(m.getClientURLsList()).isNotEmpty();
      assertThat(m.getPeerURLsList()).isNotEmpty();
      assertThat(m.getIsLearner()).isFalse();
    });
  }

  @ConformanceTest
  void memberAdd_learner_isListedUnstartedAndRemovable(EtcdTarget target) throws Exception {
    List<Member> before = list(target).getMembersList();
    MemberAddResponse added = addLearner(target, 2381);
    MemberRemoveResponse removed = remove(target, added.getMember().getID());

    assertThat(added.getHeader().getRevision()).isZero();
    assertThat(added.getMember().getName()).isEmpty();
    assertThat(added.getMember().getClientURLsList()).isEmpty();
    assertThat(added.getMember().getPeerURLsList()).containsExactly(MADE_UP_PEER + 2381);
    assertThat(added.getMember().getIsLearner()).isTrue();
    assertThat(added.getMembersList()).hasSize(before.size() + 1).contains(added.getMember())
        .extracting(Member::getID).isSortedAccordingTo(Long::compareUnsigned);
    assertThat(removed.getHeader().getRevision()).isZero();
    assertThat(removed.getMembersList()).isEqualTo(before);
  }

  @ConformanceTest
  void memberAdd_urlWithoutPort_failsInvalid(EtcdTarget target) {
    assertFails(() -> cluster(target).memberAdd(MemberAddRequest.newBuilder()
            .addPeerURLs("http://192.0.2.1").setIsLearner(true).build()),
        Status.Code.INVALID_ARGUMENT, "etcdserver: given member URLs are invalid");
  }

  @ConformanceTest
  void memberAdd_peerUrlOfAMember_failsExists(EtcdTarget target) throws Exception {
    String used = list(target).getMembers(0).getPeerURLs(0);
    assertFails(() -> add(target, used),
        Status.Code.FAILED_PRECONDITION, "etcdserver: Peer URLs already exists");
  }

  @ConformanceTest
  void memberAdd_secondLearner_failsTooMany(EtcdTarget target) throws Exception {
    long learner = addLearner(target, 2383).getMember().getID();
    try {
      assertFails(() -> add(target, "http://192.0.2.2:2380"),
          Status.Code.FAILED_PRECONDITION, "etcdserver: too many learner members in cluster");
    } finally {
      remove(target, learner);
    }
  }

  @ConformanceTest
  void memberPromote_learnerNeverStarted_failsNotInSync(EtcdTarget target) throws Exception {
    long learner = addLearner(target, 2384).getMember().getID();
    try {
      assertFails(() -> cluster(target).memberPromote(
              MemberPromoteRequest.newBuilder().setID(learner).build()),
          Status.Code.FAILED_PRECONDITION,
          "etcdserver: can only promote a learner member which is in sync with leader");
    } finally {
      remove(target, learner);
    }
  }

  @ConformanceTest
  void memberPromote_voter_failsNotLearner(EtcdTarget target) {
    long voter = list(target).getMembers(0).getID();
    assertFails(() -> cluster(target).memberPromote(
            MemberPromoteRequest.newBuilder().setID(voter).build()),
        Status.Code.FAILED_PRECONDITION, "etcdserver: can only promote a learner member");
  }

  @ConformanceTest
  void memberPromote_unknown_failsNotFound(EtcdTarget target) {
    assertFails(() -> cluster(target).memberPromote(
            MemberPromoteRequest.newBuilder().setID(42).build()),
        Status.Code.NOT_FOUND, "etcdserver: member not found");
  }

  @ConformanceTest
  void memberUpdate_learner_replacesUrlsAndDropsTheLearnerFlag(EtcdTarget target)
      throws Exception {
    long learner = addLearner(target, 2385).getMember().getID();
    try {
      MemberUpdateResponse updated = cluster(target).memberUpdate(MemberUpdateRequest.newBuilder()
          .setID(learner).addPeerURLs(MADE_UP_PEER + 2386).build());

      assertThat(updated.getHeader().getRevision()).isZero();
      assertThat(updated.getMembersList()).filteredOn(m -> m.getID() == learner).singleElement()
          .satisfies(m -> {
            assertThat(m.getPeerURLsList()).containsExactly(MADE_UP_PEER + 2386);
            assertThat(m.getIsLearner()).isFalse();
          });
      assertThat(list(target).getMembersList()).isEqualTo(updated.getMembersList());
    } finally {
      remove(target, learner);
    }
  }

  @ConformanceTest
  void memberUpdate_unknown_failsNotFound(EtcdTarget target) {
    assertFails(() -> cluster(target).memberUpdate(MemberUpdateRequest.newBuilder().setID(42)
            .addPeerURLs(MADE_UP_PEER + 2387).build()),
        Status.Code.NOT_FOUND, "etcdserver: member not found");
  }

  @ConformanceTest
  void memberRemove_unknown_failsNotFound(EtcdTarget target) {
    assertFails(() -> remove(target, 42), Status.Code.NOT_FOUND, "etcdserver: member not found");
  }
}
