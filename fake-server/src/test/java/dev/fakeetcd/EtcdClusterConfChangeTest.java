package dev.fakeetcd;

import static dev.fakeetcd.Clusters.HEALTH_INTERVAL;
import static dev.fakeetcd.Clusters.assertFails;
import static dev.fakeetcd.Clusters.failureOf;
import static dev.fakeetcd.Clusters.memberAdd;
import static dev.fakeetcd.Clusters.otherThan;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.MemberAddResponse;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberUpdateRequest;
import dev.fakeetcd.api.MemberUpdateResponse;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Membership changes as etcd 3.4's {@code configure} makes them: proposed on the member asked
 * (forwarded to its leader, held while it knows none), answered once that member has applied
 * them, and otherwise waited for until the client's deadline, as etcd sets no timeout of its own.
 */
class EtcdClusterConfChangeTest {

  /** Every call is bounded; calls expected to wait get a short one. */
  private static final long DEADLINE_SECONDS = 10;
  private static final long SHORT_DEADLINE_MILLIS = 500;
  private static final String NEW_PEER = "http://10.0.0.9:2380";

  private final Clusters clusters = new Clusters();

  @AfterEach
  void close() {
    clusters.close();
  }

  private ClusterGrpc.ClusterFutureStub waiting(EtcdCluster cluster, Member member) {
    return ClusterGrpc.newFutureStub(clusters.channel(cluster, member))
        .withDeadlineAfter(SHORT_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
  }

  private List<String> peerUrlsSeenBy(EtcdCluster cluster, Member asked) {
    return clusters.cluster(cluster, asked).memberList(MemberListRequest.getDefaultInstance())
        .getMembersList().stream().flatMap(m -> m.getPeerURLsList().stream()).toList();
  }

  private static MemberUpdateRequest updateToNewPeer(Member member) {
    return MemberUpdateRequest.newBuilder().setID(member.id()).addPeerURLs(NEW_PEER).build();
  }

  /** A 3-member cluster with all but {@code survivor} crashed, 5 s past its leader's loss. */
  private record Leaderless(EtcdCluster cluster, Member survivor, List<Member> crashed) {
    static Leaderless crashAllButOne(EtcdCluster cluster) {
      Member leader = cluster.awaitLeader();
      Member survivor = otherThan(cluster, leader);
      List<Member> crashed = List.of(leader, otherThan(cluster, leader, survivor));
      crashed.forEach(Member::crash);
      cluster.clock().advance(Duration.ofSeconds(5));
      return new Leaderless(cluster, survivor, crashed);
    }

    /** Restarts the crashed members and lets the cluster settle under a new leader. */
    void restartTheOthers() {
      crashed.forEach(Member::restart);
      cluster.awaitLeader();
      cluster.clock().advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void memberAdd_askedOfAFollowerWhoseProposalsAreLost_waitsUntilTheClientsDeadline()
      throws Exception {
    EtcdCluster cluster = clusters.start(3, 201);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    Member follower = otherThan(cluster, leader);
    cluster.network().lossRate(follower, leader, 1.0);

    ListenableFuture<MemberAddResponse> add =
        waiting(cluster, follower).memberAdd(memberAdd(NEW_PEER, true));
    cluster.clock().advance(Duration.ofSeconds(30));
    boolean doneInVirtualTime = add.isDone();

    assertThat(doneInVirtualTime).isFalse();
    assertThat(failureOf(add).getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    cluster.network().heal();
    cluster.clock().advance(Duration.ofSeconds(1));
    for (Member m : cluster.members()) {
      assertThat(peerUrlsSeenBy(cluster, m)).as("seen by %s", m).hasSize(3)
          .doesNotContain(NEW_PEER);
    }
  }

  @Test
  void memberAdd_retriedInTheSameSecondAfterItsProposalWasLost_addsTheMember() throws Exception {
    EtcdCluster cluster = clusters.start(3, 202);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    Member follower = otherThan(cluster, leader);
    cluster.network().lossRate(follower, leader, 1.0);
    ListenableFuture<MemberAddResponse> lost = waiting(cluster, follower)
        .memberAdd(memberAdd(NEW_PEER, true));
    assertThat(failureOf(lost).getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    cluster.network().heal();

    // No virtual time passed: the retry has the same member ID as the change that was lost.
    MemberAddResponse added = clusters.cluster(cluster, follower)
        .memberAdd(memberAdd(NEW_PEER, true));

    assertThat(added.getMembersList()).hasSize(4);
    assertThat(added.getMember().getPeerURLsList()).containsExactly(NEW_PEER);
    assertThat(cluster.memberList()).anySatisfy(
        m -> assertThat(m.id()).isEqualTo(added.getMember().getID()));
  }

  @Test
  void memberAdd_answersOnlyOnceTheMemberAskedHasAppliedIt() throws Exception {
    EtcdCluster cluster = clusters.start(3, 203);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    Member follower = otherThan(cluster, leader);
    cluster.network().hold(leader, follower);

    ListenableFuture<MemberAddResponse> add = ClusterGrpc.newFutureStub(
        clusters.channel(cluster, follower)).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .memberAdd(memberAdd(NEW_PEER, true));
    boolean doneBeforeTheFollowerApplied = add.isDone();
    long appliedByLeader = leader.status().appliedIndex();
    long appliedByFollower = follower.status().appliedIndex();
    cluster.network().release(leader, follower);
    cluster.clock().advance(cluster.config().heartbeat());

    assertThat(doneBeforeTheFollowerApplied).isFalse();
    assertThat(appliedByFollower).isLessThan(appliedByLeader);
    MemberAddResponse response = add.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    assertThat(follower.status().appliedIndex()).isGreaterThanOrEqualTo(appliedByLeader);
    assertThat(response.getMembersList()).hasSize(4);
    assertThat(peerUrlsSeenBy(cluster, follower)).contains(NEW_PEER);
  }

  @Test
  void memberAdd_memberAskedCrashesWhileWaiting_failsUnavailable() throws Exception {
    EtcdCluster cluster = clusters.start(3, 206);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    Member follower = otherThan(cluster, leader);
    cluster.network().lossRate(follower, leader, 1.0);
    ListenableFuture<MemberAddResponse> add = ClusterGrpc.newFutureStub(
        clusters.channel(cluster, follower)).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .memberAdd(memberAdd(NEW_PEER, true));

    follower.crash();

    assertThat(failureOf(add).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void memberAdd_onALeaderlessCluster_isRefusedAsUnhealthyBeforeAnyProposal() {
    EtcdCluster cluster = clusters.start(3, 204);
    cluster.clock().advance(HEALTH_INTERVAL);
    Member leader = cluster.awaitLeader();
    Member survivor = otherThan(cluster, leader);
    leader.crash();
    otherThan(cluster, leader, survivor).crash();
    cluster.clock().advance(Duration.ofSeconds(5));

    // etcd's mayAddMember counts the voters its transport reaches before it proposes anything.
    assertFails(EtcdError.UNHEALTHY,
        () -> clusters.cluster(cluster, survivor).memberAdd(memberAdd(NEW_PEER, true)));

    assertThat(peerUrlsSeenBy(cluster, survivor)).hasSize(3);
  }

  @Test
  void memberUpdate_onALeaderlessCluster_waitsUntilTheDeadlineAndIsNeverApplied() throws Exception {
    EtcdCluster cluster = clusters.start(3, 205);
    Leaderless leaderless = Leaderless.crashAllButOne(cluster);
    Member survivor = leaderless.survivor();
    List<String> before = peerUrlsSeenBy(cluster, survivor);

    ListenableFuture<MemberUpdateResponse> update = waiting(cluster, survivor)
        .memberUpdate(updateToNewPeer(survivor));
    cluster.clock().advance(Duration.ofSeconds(30));
    boolean doneInVirtualTime = update.isDone();
    Status.Code code = failureOf(update).getStatus().getCode();
    leaderless.restartTheOthers();

    assertThat(doneInVirtualTime).isFalse();
    assertThat(code).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(peerUrlsSeenBy(cluster, survivor)).isEqualTo(before).doesNotContain(NEW_PEER);
  }

  @Test
  void memberUpdate_cancelledByTheClientWhileLeaderless_isNeverApplied() {
    EtcdCluster cluster = clusters.start(3, 207);
    Leaderless leaderless = Leaderless.crashAllButOne(cluster);
    Member survivor = leaderless.survivor();
    ListenableFuture<MemberUpdateResponse> update = ClusterGrpc.newFutureStub(
        clusters.channel(cluster, survivor)).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .memberUpdate(updateToNewPeer(survivor));

    update.cancel(true);
    leaderless.restartTheOthers();

    assertThat(peerUrlsSeenBy(cluster, survivor)).hasSize(3).doesNotContain(NEW_PEER);
  }

  @Test
  void memberUpdate_idZero_isNotFound() {
    EtcdCluster cluster = clusters.start(1, 208);

    assertFails(EtcdError.MEMBER_NOT_FOUND, () -> clusters.cluster(cluster, cluster.member(0))
        .memberUpdate(MemberUpdateRequest.newBuilder().setID(0).addPeerURLs(NEW_PEER).build()));
  }
}
