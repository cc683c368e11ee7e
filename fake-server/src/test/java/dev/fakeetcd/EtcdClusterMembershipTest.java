package dev.fakeetcd;

import static dev.fakeetcd.Clusters.HEALTH_INTERVAL;
import static dev.fakeetcd.Clusters.assertFails;
import static dev.fakeetcd.Clusters.memberAdd;
import static dev.fakeetcd.Clusters.memberRemove;
import static dev.fakeetcd.Clusters.otherThan;
import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.MemberAddResponse;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberListResponse;
import dev.fakeetcd.api.MemberPromoteRequest;
import dev.fakeetcd.api.MemberUpdateRequest;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EtcdClusterMembershipTest {

  private static final String NEW_PEER = "http://10.0.0.9:2380";

  private final Clusters clusters = new Clusters();

  @AfterEach
  void close() {
    clusters.close();
  }

  @Test
  void memberAdd_learnerIsListedUnstartedUntilStarted() {
    EtcdCluster cluster = clusters.start(3, 1);
    cluster.clock().advance(HEALTH_INTERVAL);
    MemberAddResponse added = clusters.cluster(cluster, cluster.member(0))
        .memberAdd(memberAdd(NEW_PEER, true));

    assertThat(added.getMember().getName()).isEmpty();
    assertThat(added.getMember().getClientURLsList()).isEmpty();
    assertThat(added.getMember().getIsLearner()).isTrue();
    assertThat(added.getMember().getPeerURLsList()).containsExactly(NEW_PEER);
    assertThat(added.getMembersList()).hasSize(4).contains(added.getMember());
    assertThat(added.getHeader().getRevision()).isZero();

    Member started = cluster.startAddedMember(added.getMember().getID());
    MemberListResponse list = clusters.cluster(cluster, cluster.member(1)).memberList(
        MemberListRequest.getDefaultInstance());
    assertThat(list.getMembersList()).filteredOn(m -> m.getID() == started.id())
        .singleElement().satisfies(m -> {
          assertThat(m.getName()).isEqualTo(started.name());
          assertThat(m.getIsLearner()).isTrue();
        });
  }

  @Test
  void memberPromote_learnerInSync_becomesVoter() {
    EtcdCluster cluster = clusters.start(3, 2);
    cluster.clock().advance(HEALTH_INTERVAL);
    ClusterGrpc.ClusterBlockingStub stub = clusters.cluster(cluster, cluster.member(0));
    long id = clusters.startedLearner(cluster, cluster.member(0), NEW_PEER).id();
    cluster.clock().advance(Duration.ofSeconds(2));

    List<dev.fakeetcd.api.Member> members = stub.memberPromote(
        MemberPromoteRequest.newBuilder().setID(id).build()).getMembersList();

    assertThat(members).filteredOn(m -> m.getID() == id).singleElement()
        .satisfies(m -> assertThat(m.getIsLearner()).isFalse());
  }

  @Test
  void memberPromote_learnerNeverStarted_isNotInSync() {
    EtcdCluster cluster = clusters.start(3, 3);
    cluster.clock().advance(HEALTH_INTERVAL);
    ClusterGrpc.ClusterBlockingStub stub = clusters.cluster(cluster, cluster.member(0));
    long id = stub.memberAdd(memberAdd(NEW_PEER, true)).getMember().getID();

    assertFails(EtcdError.LEARNER_NOT_READY,
        () -> stub.memberPromote(MemberPromoteRequest.newBuilder().setID(id).build()));
  }

  @Test
  void memberPromote_voter_fails() {
    EtcdCluster cluster = clusters.start(3, 4);
    assertFails(EtcdError.MEMBER_NOT_LEARNER, () -> clusters.cluster(cluster, cluster.member(0))
        .memberPromote(MemberPromoteRequest.newBuilder().setID(cluster.member(1).id()).build()));
  }

  @Test
  void memberPromote_unknown_isNotFound() {
    EtcdCluster cluster = clusters.start(3, 5);
    assertFails(EtcdError.MEMBER_NOT_FOUND, () -> clusters.cluster(cluster, cluster.member(0))
        .memberPromote(MemberPromoteRequest.newBuilder().setID(42).build()));
  }

  @Test
  void memberAdd_secondLearner_fails() {
    EtcdCluster cluster = clusters.start(3, 6);
    cluster.clock().advance(HEALTH_INTERVAL);
    ClusterGrpc.ClusterBlockingStub stub = clusters.cluster(cluster, cluster.member(0));
    stub.memberAdd(memberAdd(NEW_PEER, true));
    assertFails(EtcdError.TOO_MANY_LEARNERS,
        () -> stub.memberAdd(memberAdd("http://10.0.0.10:2380", true)));
  }

  @Test
  void memberAdd_peerUrlInUse_fails() {
    EtcdCluster cluster = clusters.start(3, 7);
    cluster.clock().advance(HEALTH_INTERVAL);
    ClusterGrpc.ClusterBlockingStub stub = clusters.cluster(cluster, cluster.member(0));
    String used = stub.memberList(MemberListRequest.getDefaultInstance()).getMembers(1)
        .getPeerURLs(0);
    assertFails(EtcdError.PEER_URL_EXIST, () -> stub.memberAdd(memberAdd(used, true)));
  }

  @Test
  void memberAdd_urlWithoutPort_isInvalid() {
    EtcdCluster cluster = clusters.start(1, 8);
    assertFails(EtcdError.MEMBER_BAD_URLS,
        () -> clusters.cluster(cluster, cluster.member(0))
            .memberAdd(memberAdd("http://10.0.0.9", false)));
  }

  @Test
  void memberAdd_voterNeverStarted_keepsQuorumOfThree() {
    EtcdCluster cluster = clusters.start(3, 9);
    cluster.clock().advance(HEALTH_INTERVAL);
    clusters.cluster(cluster, cluster.member(0)).memberAdd(memberAdd(NEW_PEER, false));

    assertThat(clusters.kv(cluster, cluster.member(1)).put(put("k", "v")).getHeader()
        .getRevision()).isEqualTo(2);
  }

  @Test
  void memberAdd_voterWithTooFewStarted_fails() {
    EtcdCluster cluster = clusters.start(1, 10);
    ClusterGrpc.ClusterBlockingStub stub = clusters.cluster(cluster, cluster.member(0));
    stub.memberAdd(memberAdd(NEW_PEER, false));
    assertFails(EtcdError.NOT_ENOUGH_STARTED_MEMBERS,
        () -> stub.memberAdd(memberAdd("http://10.0.0.10:2380", false)));
  }

  @Test
  void memberRemove_onlyMember_fails() {
    EtcdCluster cluster = clusters.start(1, 11);
    assertFails(EtcdError.NOT_ENOUGH_STARTED_MEMBERS,
        () -> clusters.cluster(cluster, cluster.member(0))
        .memberRemove(memberRemove(cluster.member(0).id())));
  }

  @Test
  void memberRemove_unknown_isNotFound() {
    EtcdCluster cluster = clusters.start(3, 12);
    assertFails(EtcdError.MEMBER_NOT_FOUND, () -> clusters.cluster(cluster, cluster.member(0))
        .memberRemove(memberRemove(42)));
  }

  @Test
  void memberRemove_learner_restoresTheList() {
    EtcdCluster cluster = clusters.start(3, 13);
    cluster.clock().advance(HEALTH_INTERVAL);
    ClusterGrpc.ClusterBlockingStub stub = clusters.cluster(cluster, cluster.member(0));
    MemberListResponse before = stub.memberList(MemberListRequest.getDefaultInstance());
    long id = stub.memberAdd(memberAdd(NEW_PEER, true)).getMember().getID();

    assertThat(stub.memberRemove(memberRemove(id)).getMembersList())
        .isEqualTo(before.getMembersList());
  }

  @Test
  void memberRemove_leader_electsAnotherAndStopsServing() {
    EtcdCluster cluster = clusters.start(3, 14);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    Member follower = Clusters.follower(cluster);

    clusters.cluster(cluster, follower).memberRemove(memberRemove(leader.id()));

    assertThat(cluster.awaitLeader().id()).isNotEqualTo(leader.id());
    assertThat(clusters.kv(cluster, follower).put(put("k", "v")).getHeader().getRevision())
        .isEqualTo(2);
    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
        () -> clusters.kv(cluster, leader).put(put("k", "w")));
    assertThat(refused.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
  }

  @Test
  void memberRemove_follower_itsProcessExits() {
    EtcdCluster cluster = clusters.start(3, 19);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member follower = Clusters.follower(cluster);

    clusters.cluster(cluster, cluster.awaitLeader()).memberRemove(memberRemove(follower.id()));

    assertThat(follower.isUp()).isFalse();
    assertThat(follower.status().role()).isEqualTo("DOWN");
  }

  @Test
  void memberRemove_askedMemberItself_stopsBeforeAnswering() {
    EtcdCluster cluster = clusters.start(3, 18);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member follower = Clusters.follower(cluster);

    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> clusters.cluster(cluster, follower).memberRemove(memberRemove(follower.id())));

    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
    Member other = otherThan(cluster, follower);
    assertThat(clusters.cluster(cluster, other).memberList(MemberListRequest.getDefaultInstance())
        .getMembersList()).extracting(dev.fakeetcd.api.Member::getID)
        .doesNotContain(follower.id()).hasSize(2);
  }

  @Test
  void memberUpdate_learner_dropsLearnerFlag() {
    EtcdCluster cluster = clusters.start(3, 15);
    cluster.clock().advance(HEALTH_INTERVAL);
    ClusterGrpc.ClusterBlockingStub stub = clusters.cluster(cluster, cluster.member(0));
    long id = stub.memberAdd(memberAdd(NEW_PEER, true)).getMember().getID();

    List<dev.fakeetcd.api.Member> members = stub.memberUpdate(MemberUpdateRequest.newBuilder()
        .setID(id).addPeerURLs("http://10.0.0.11:2380").build()).getMembersList();

    assertThat(members).filteredOn(m -> m.getID() == id).singleElement().satisfies(m -> {
      assertThat(m.getPeerURLsList()).containsExactly("http://10.0.0.11:2380");
      assertThat(m.getIsLearner()).isFalse();
    });
  }

  @Test
  void memberUpdate_isALogEntryEveryMemberApplies() {
    EtcdCluster cluster = clusters.start(3, 20);
    long applied = cluster.member(0).status().appliedIndex();

    clusters.cluster(cluster, cluster.member(0)).memberUpdate(MemberUpdateRequest.newBuilder()
        .setID(cluster.member(1).id()).addPeerURLs(NEW_PEER).build());

    assertThat(cluster.status()).extracting(MemberStatus::appliedIndex)
        .containsOnly(applied + 1);
    assertThat(cluster.memberList()).filteredOn(m -> m.id() == cluster.member(1).id())
        .singleElement()
        .satisfies(m -> assertThat(m.peerUrls()).containsExactly(NEW_PEER));
  }

  @Test
  void memberUpdate_urlOfAnotherMember_fails() {
    EtcdCluster cluster = clusters.start(3, 16);
    ClusterGrpc.ClusterBlockingStub stub = clusters.cluster(cluster, cluster.member(0));
    MemberListResponse list = stub.memberList(MemberListRequest.getDefaultInstance());
    assertFails(EtcdError.PEER_URL_EXIST, () -> stub.memberUpdate(MemberUpdateRequest.newBuilder()
        .setID(list.getMembers(0).getID()).addPeerURLs(list.getMembers(1).getPeerURLs(0)).build()));
  }

  @Test
  void memberList_sortedByUnsignedIdWithoutRevision() {
    EtcdCluster cluster = clusters.start(3, 17);
    MemberListResponse list = clusters.cluster(cluster, cluster.member(2)).memberList(
        MemberListRequest.getDefaultInstance());

    assertThat(list.getHeader().getRevision()).isZero();
    assertThat(list.getMembersList()).extracting(dev.fakeetcd.api.Member::getID)
        .isSortedAccordingTo(Long::compareUnsigned);
  }

  @Test
  void memberList_withoutTcp_bootstrapPeerUrlsAreLoopbackFrom2380() {
    EtcdCluster cluster = clusters.start(3, 21);

    for (int i = 0; i < 3; i++) {
      long id = cluster.member(i).id();
      assertThat(cluster.memberList()).filteredOn(m -> m.id() == id).singleElement()
          .extracting(MemberListEntry::peerUrls)
          .isEqualTo(List.of("http://127.0.0.1:" + (2380 + i)));
    }
  }

  @Test
  void memberList_withTcp_bootstrapPeerPortsAreHeldAndRefuseConnections() {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(3).seed(22).tcp(true)
        .build());
    List<URI> peers = cluster.memberList().stream().map(m -> URI.create(m.peerUrls().get(0)))
        .toList();

    assertThat(peers).extracting(URI::getHost).containsOnly("127.0.0.1");
    assertThat(peers).extracting(URI::getPort).doesNotHaveDuplicates()
        .doesNotContainAnyElementsOf(cluster.endpoints().stream().map(URI::getPort).toList());
    for (URI peer : peers) {
      assertThat(catchThrowableOfType(IOException.class,
          () -> new Socket("127.0.0.1", peer.getPort()).close())).as("%s", peer)
          .isInstanceOf(ConnectException.class);
      assertThat(catchThrowableOfType(IOException.class,
          () -> new ServerSocket(peer.getPort(), 1, InetAddress.getLoopbackAddress()).close()))
          .as("%s", peer).isInstanceOf(BindException.class);
    }
  }

  @Test
  void memberUpdate_otherMemberWithUrlsEtcdCannotParse_failsInvalidAndKeepsServing() {
    // etcd 3.4.23 applies them and its peer transport panics on every other member.
    EtcdCluster cluster = clusters.start(3, 23);
    ClusterGrpc.ClusterBlockingStub stub = clusters.cluster(cluster, cluster.member(0));
    for (List<String> urls : List.of(List.of("bogus"), List.<String>of())) {
      assertFails(EtcdError.MEMBER_BAD_URLS, () -> stub.memberUpdate(MemberUpdateRequest
          .newBuilder().setID(cluster.member(1).id()).addAllPeerURLs(urls).build()));
    }

    assertThat(stub.memberList(MemberListRequest.getDefaultInstance()).getMembersCount())
        .isEqualTo(3);
    assertThat(clusters.kv(cluster, cluster.member(1)).put(put("k", "v")).getHeader()
        .getRevision()).isEqualTo(2);
  }
}
