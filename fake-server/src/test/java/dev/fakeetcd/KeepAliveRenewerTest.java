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

  /** What stops a stream's renewals, done to the stream or to its member. */
  private interface Fault {
    void apply(Renewing renewing);
  }

  /** Three members, a lease and a follower's stream that renews it. */
  private record Renewing(EtcdCluster cluster, long id, Member member, KeepAliveTestClient stream) {
    boolean alive() {
      return KeepAliveRenewerTest.alive(cluster, id);
    }
  }

  private Renewing renewingOnAFollower(long seed) {
    EtcdCluster cluster = clusters.start(3, seed);
    long id = grant(cluster, 0);
    Member member = follower(cluster);
    return new Renewing(cluster, id, member, renewing(cluster, member, id));
  }

  /** Whether the lease a follower's stream renews is alive on the leader past its expiry. */
  private boolean aliveAfter(long seed, Fault fault) {
    Renewing r = renewingOnAFollower(seed);
    fault.apply(r);
    r.cluster().clock().advance(PAST_EXPIRY);
    return r.alive();
  }

  @Test
  void cancelledStream_stopsRenewing() {
    assertThat(aliveAfter(102, r -> {
      r.stream().cancel();
      r.cluster().leases().awaitNotKeptAlive(r.id());
    })).isFalse();
  }

  @Test
  void halfClosedStream_stopsRenewing() {
    assertThat(aliveAfter(103, r ->
        assertThat(r.stream().halfClose().getCode()).isEqualTo(Status.Code.OK))).isFalse();
  }

  @Test
  void crashedMember_endsTheStreamAndStopsRenewing() {
    assertThat(aliveAfter(104, r -> {
      r.member().crash();
      assertThat(r.stream().ended().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    })).isFalse();
  }

  @Test
  void droppedClientLinks_endTheStreamAndStopRenewing() {
    assertThat(aliveAfter(107, r -> {
      r.cluster().clientLinks().drop(r.member());
      assertThat(r.stream().ended().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      r.cluster().leases().awaitNotKeptAlive(r.id());
    })).isFalse();
  }

  @Test
  void pausedMember_stopsRenewing_leaseExpiresOnTheLeaderAndResumedMemberAnswersTtlZero() {
    Renewing r = renewingOnAFollower(105);

    r.member().pause();
    r.cluster().clock().advance(PAST_EXPIRY);
    boolean aliveWhilePaused = r.alive();
    r.member().resume();

    assertThat(aliveWhilePaused).isFalse();
    // The renewal that waited for the member is taken now, and finds the lease gone.
    assertThat(r.stream().next().getTTL()).isZero();
  }

  @Test
  void isolatedMember_stopsRenewing_majorityRevokesTheLeaseAfterItsTtl() {
    Renewing r = renewingOnAFollower(106);

    r.cluster().network().isolate(r.member());
    r.cluster().clock().advance(PAST_EXPIRY);
    boolean aliveInMajority = r.alive();
    // The renewal that could not reach the leader fails at the request timeout and ends the stream.
    r.cluster().clock().advance(Duration.ofSeconds(5));

    assertThat(aliveInMajority).isFalse();
    assertThat(r.stream().ended().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
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
    Renewing r = renewingOnAFollower(seed);
    r.cluster().clock().advance(Duration.ofMinutes(1));
    assertThat(r.alive()).isTrue();
    return r.cluster().trace();
  }
}
