package dev.fakeetcd;

import static dev.fakeetcd.Clusters.follower;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.testing.KeepAliveTestClient;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A keepalive stream that renewed a lease renews it on the client's behalf in virtual time, where
 * a client on a real etcd could; every fault that would stop the client's renewals stops these.
 * MANUAL clock; TTL 5 s, so the member renews every 1,666 ms.
 */
class KeepAliveRenewerTest {

  private static final long TTL = 5;
  /** Past the TTL, the election timeout a new leader adds and the next expiry scan. */
  private static final Duration PAST_EXPIRY = Duration.ofSeconds(TTL + 2);

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  private LeaseGrpc.LeaseBlockingStub lease(EtcdCluster cluster) {
    return LeaseGrpc.newBlockingStub(clusters.channel(cluster, cluster.leader().orElseThrow()));
  }

  private long grant(EtcdCluster cluster, long id) {
    return lease(cluster).leaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(TTL).build())
        .getID();
  }

  /** A stream on {@code member} that has renewed {@code id} once, so it renews it from now on. */
  private KeepAliveTestClient renewing(EtcdCluster cluster, Member member, long id) {
    KeepAliveTestClient stream = new KeepAliveTestClient(clusters.channel(cluster, member));
    assertThat(stream.renew(id).getTTL()).isEqualTo(TTL);
    return stream;
  }

  private static boolean alive(EtcdCluster cluster, long id) {
    return cluster.leases().list().stream().anyMatch(l -> l.id() == id);
  }

  private static Member streamMember(EtcdCluster cluster) {
    return cluster.members().size() == 1 ? cluster.member(0) : follower(cluster);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void renewer_keepsTheLeaseAliveAcrossAFiveMinuteJump(int members) {
    EtcdCluster cluster = clusters.start(members, 101);
    long id = grant(cluster, 0);
    KeepAliveTestClient stream = renewing(cluster, streamMember(cluster), id);

    cluster.clock().advance(Duration.ofMinutes(5));

    assertThat(cluster.leases().list()).singleElement().satisfies(l -> {
      assertThat(l.id()).isEqualTo(id);
      // Renewed at most TTL/3 ago.
      assertThat(l.remaining()).isGreaterThan(Duration.ofSeconds(TTL).multipliedBy(2).dividedBy(3));
    });
    // The member's renewals were answered on the stream, with the full TTL.
    assertThat(stream.next().getTTL()).isEqualTo(TTL);
  }

  @Test
  void cancelledStream_stopsRenewing() {
    EtcdCluster cluster = clusters.start(3, 102);
    long id = grant(cluster, 0);
    KeepAliveTestClient stream = renewing(cluster, follower(cluster), id);

    stream.cancel();
    cluster.clock().advance(PAST_EXPIRY);

    assertThat(alive(cluster, id)).isFalse();
  }

  @Test
  void halfClosedStream_stopsRenewing() {
    EtcdCluster cluster = clusters.start(3, 103);
    long id = grant(cluster, 0);
    KeepAliveTestClient stream = renewing(cluster, follower(cluster), id);

    assertThat(stream.halfClose().getCode()).isEqualTo(Status.Code.OK);
    cluster.clock().advance(PAST_EXPIRY);

    assertThat(alive(cluster, id)).isFalse();
  }

  @Test
  void crashedMember_stopsRenewing() {
    EtcdCluster cluster = clusters.start(3, 104);
    long id = grant(cluster, 0);
    Member member = follower(cluster);
    KeepAliveTestClient stream = renewing(cluster, member, id);

    member.crash();
    Status end = stream.ended();
    cluster.clock().advance(PAST_EXPIRY);

    assertThat(end.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(alive(cluster, id)).isFalse();
  }

  @Test
  void pausedMember_stopsRenewing_leaseExpiresOnTheLeaderAndResumedMemberAnswersTtlZero() {
    EtcdCluster cluster = clusters.start(3, 105);
    long id = grant(cluster, 0);
    Member member = follower(cluster);
    KeepAliveTestClient stream = renewing(cluster, member, id);

    member.pause();
    cluster.clock().advance(PAST_EXPIRY);
    boolean aliveWhilePaused = alive(cluster, id);
    member.resume();

    assertThat(aliveWhilePaused).isFalse();
    // The renewal that waited for the member is taken now, and finds the lease gone.
    assertThat(stream.next().getTTL()).isZero();
  }

  @Test
  void isolatedMember_stopsRenewing_majorityRevokesTheLeaseAfterItsTtl() {
    EtcdCluster cluster = clusters.start(3, 106);
    long id = grant(cluster, 0);
    Member member = follower(cluster);
    KeepAliveTestClient stream = renewing(cluster, member, id);

    cluster.network().isolate(member);
    cluster.clock().advance(PAST_EXPIRY);
    boolean aliveInMajority = alive(cluster, id);
    // The renewal that could not reach the leader fails at the request timeout and ends the stream.
    cluster.clock().advance(Duration.ofSeconds(5));

    assertThat(aliveInMajority).isFalse();
    assertThat(stream.ended().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void droppedClientLinks_stopRenewing() {
    EtcdCluster cluster = clusters.start(3, 107);
    long id = grant(cluster, 0);
    Member member = follower(cluster);
    KeepAliveTestClient stream = renewing(cluster, member, id);

    cluster.clientLinks().drop(member);
    Status end = stream.ended();
    cluster.clock().advance(PAST_EXPIRY);

    assertThat(end.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(alive(cluster, id)).isFalse();
  }

  @Test
  void revokedLease_endsItsRenewer_soTheSameIdGrantedAgainExpires() {
    EtcdCluster cluster = clusters.start(3, 108);
    long id = grant(cluster, 4242);
    KeepAliveTestClient stream = renewing(cluster, follower(cluster), id);

    lease(cluster).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
    cluster.clock().advance(Duration.ofSeconds(2));
    long ttlAfterRevoke = stream.next().getTTL();
    grant(cluster, id);
    cluster.clock().advance(PAST_EXPIRY);

    assertThat(ttlAfterRevoke).isZero();
    assertThat(alive(cluster, id)).isFalse();
  }

  @Test
  void renewer_sameSeedGivesTheSameTrace() {
    assertThat(renewedForAMinute(109)).isEqualTo(renewedForAMinute(109))
        .contains("lease call");
  }

  private String renewedForAMinute(long seed) {
    EtcdCluster cluster = clusters.start(3, seed);
    long id = grant(cluster, 0);
    renewing(cluster, follower(cluster), id);
    cluster.clock().advance(Duration.ofMinutes(1));
    assertThat(alive(cluster, id)).isTrue();
    return cluster.trace();
  }
}
