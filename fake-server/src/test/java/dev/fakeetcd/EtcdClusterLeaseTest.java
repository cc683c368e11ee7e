package dev.fakeetcd;

import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.follower;
import static dev.fakeetcd.Clusters.put;
import static dev.fakeetcd.Clusters.serializableGet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.LeaseKeepAliveResponse;
import dev.fakeetcd.api.LeaseTimeToLiveRequest;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.testing.KeepAliveTestClient;
import dev.fakeetcd.testing.WatchTestClient;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lease expiry on the virtual clock (MANUAL mode): the leader's lessor, as in etcd 3.4. */
class EtcdClusterLeaseTest {

  private static final long SCAN_NANOS = Duration.ofMillis(500).toNanos();

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  private LeaseGrpc.LeaseBlockingStub lease(EtcdCluster cluster, Member member) {
    return LeaseGrpc.newBlockingStub(clusters.channel(cluster, member));
  }

  private static long grant(LeaseGrpc.LeaseBlockingStub lease, long ttl) {
    return lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttl).build()).getID();
  }

  private static boolean exists(KVGrpc.KVBlockingStub kv, String key) {
    return kv.range(serializableGet(key)).getCount() == 1;
  }

  /** Moves the clock to {@code nanos} (virtual time since the cluster started). */
  private static void advanceTo(EtcdCluster cluster, long nanos) {
    cluster.clock().advance(Duration.ofNanos(nanos - cluster.clock().nanos()));
  }

  @Test
  void expiry_happensAtTheFirstScanAtOrAfterTheDeadline() {
    EtcdCluster cluster = clusters.start(3, 7);
    Member leader = cluster.leader().orElseThrow();
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, leader);
    // Scans run every 500 ms from the cluster's start: grant 100 ms after one of them.
    advanceTo(cluster, (cluster.clock().nanos() / SCAN_NANOS + 1) * SCAN_NANOS + 100_000_000L);
    long granted = cluster.clock().nanos();
    long id = grant(lease(cluster, leader), 2);
    kv.put(put("k", "v").toBuilder().setLease(id).build());
    long deadline = granted + Duration.ofSeconds(2).toNanos();
    long firstScanAfter = (deadline / SCAN_NANOS + 1) * SCAN_NANOS;

    advanceTo(cluster, deadline);
    boolean atDeadline = exists(kv, "k");
    advanceTo(cluster, firstScanAfter - 1);
    boolean justBeforeScan = exists(kv, "k");
    advanceTo(cluster, firstScanAfter);

    assertThat(atDeadline).isTrue();
    assertThat(justBeforeScan).isTrue();
    assertThat(exists(kv, "k")).isFalse();
    assertThat(cluster.leases().list()).isEmpty();
  }

  @Test
  void leaderChange_extendsLeasesToFullTtlPlusElectionTimeout() {
    EtcdCluster cluster = clusters.start(3, 11);
    Member leader = cluster.leader().orElseThrow();
    long id = grant(lease(cluster, leader), 10);
    cluster.clock().advance(Duration.ofSeconds(8));

    Member next = follower(cluster);
    cluster.transferLeadership(next);

    assertThat(cluster.leader()).contains(next);
    assertThat(cluster.leases().list()).containsExactly(
        new LeaseInfo(id, 10, Duration.ofSeconds(11)));
  }

  @Test
  void leaderChange_withCheckpoints_continuesFromTheCheckpointedRemainingTtl() {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(3).seed(12)
        .leaseCheckpointInterval(Duration.ofSeconds(10)).build());
    long id = grant(lease(cluster, cluster.leader().orElseThrow()), 60);
    // The first checkpoint is due 10 s after the grant and made at the scan at or after it.
    cluster.clock().advance(Duration.ofSeconds(11));

    cluster.transferLeadership(follower(cluster));

    LeaseInfo info = cluster.leases().list().get(0);
    assertThat(info.id()).isEqualTo(id);
    // 50 s were left at the checkpoint (rounded up), plus the election timeout.
    assertThat(info.remaining()).isEqualTo(Duration.ofSeconds(51));
  }

  @Test
  void restart_givesEveryLeaseItsFullTtlAgain() {
    EtcdCluster cluster = clusters.start(1, 13);
    Member only = cluster.member(0);
    long id = grant(lease(cluster, only), 10);
    cluster.clock().advance(Duration.ofSeconds(8));

    only.crash();
    only.restart();
    cluster.awaitLeader();

    // Full TTL plus an election timeout from the new term's first entry, less what the rest of
    // the election step took: far more than the 2 s that were left.
    LeaseInfo info = cluster.leases().list().get(0);
    assertThat(info.id()).isEqualTo(id);
    assertThat(info.remaining()).isGreaterThan(Duration.ofSeconds(10))
        .isLessThanOrEqualTo(Duration.ofSeconds(11));
  }

  @Test
  void keepAliveThroughIsolatedMember_majorityRevokesTheLeaseAfterItsTtl() throws Exception {
    EtcdCluster cluster = clusters.start(3, 21);
    Member leader = cluster.leader().orElseThrow();
    Member cutOff = follower(cluster);
    long id = grant(lease(cluster, leader), 5);
    KVGrpc.KVBlockingStub majority = clusters.kv(cluster, leader);
    majority.put(put("k", "v").toBuilder().setLease(id).build());
    KeepAliveTestClient keepAlive = new KeepAliveTestClient(clusters.channel(cluster, cutOff));
    assertThat(keepAlive.renew(id).getTTL()).isEqualTo(5);

    cluster.network().isolate(cutOff);
    keepAlive.send(id);
    cluster.clock().advance(Duration.ofMillis(5500));
    boolean goneInMajority = !exists(majority, "k");
    cluster.clock().advance(Duration.ofSeconds(2));

    assertThat(goneInMajority).isTrue();
    Status end = keepAlive.ended();
    assertThat(end.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(end.getDescription()).isEqualTo("etcdserver: no leader");
  }

  @Test
  void keepAliveThroughFollower_isRenewedByTheLeader() throws Exception {
    EtcdCluster cluster = clusters.start(3, 22);
    Member leader = cluster.leader().orElseThrow();
    long id = grant(lease(cluster, leader), 5);
    KeepAliveTestClient keepAlive = new KeepAliveTestClient(clusters.channel(cluster, follower(cluster)));
    cluster.clock().advance(Duration.ofSeconds(4));

    LeaseKeepAliveResponse renewed = keepAlive.renew(id);

    assertThat(renewed.getTTL()).isEqualTo(5);
    assertThat(cluster.leases().list()).containsExactly(new LeaseInfo(id, 5, Duration.ofSeconds(5)));
  }

  @Test
  void expiry_deletesAttachedKeysInOneRevisionWithDeleteEventsInKeyOrder() throws Exception {
    EtcdCluster cluster = clusters.start(3, 31);
    Member leader = cluster.leader().orElseThrow();
    long id = grant(lease(cluster, leader), 2);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, leader);
    for (String key : List.of("b", "c", "a")) {
      kv.put(put(key, "v").toBuilder().setLease(id).build());
    }
    long before = kv.range(serializableGet("a")).getHeader().getRevision();
    WatchTestClient watch = new WatchTestClient(clusters.channel(cluster, follower(cluster)));
    watch.created(WatchCreateRequest.newBuilder().setKey(bytes("a")).setRangeEnd(bytes("d")));

    cluster.clock().advance(Duration.ofSeconds(3));

    WatchResponse deletes = watch.next();
    assertThat(deletes.getEventsList()).extracting(e -> e.getKv().getKey().toStringUtf8())
        .containsExactly("a", "b", "c");
    assertThat(deletes.getEventsList()).allSatisfy(e -> {
      assertThat(e.getType()).isEqualTo(Event.EventType.DELETE);
      assertThat(e.getKv().getModRevision()).isEqualTo(before + 1);
    });
    watch.close();
  }

  @Test
  void expireNow_revokesThroughRaftAtOnce() {
    EtcdCluster cluster = clusters.start(3, 32);
    Member leader = cluster.leader().orElseThrow();
    long id = grant(lease(cluster, leader), 3600);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, follower(cluster));
    kv.put(put("k", "v").toBuilder().setLease(id).build());
    long before = cluster.clock().nanos();

    assertThat(cluster.leases().expireNow(id)).isTrue();

    assertThat(exists(kv, "k")).isFalse();
    assertThat(cluster.clock().nanos()).isEqualTo(before);
    assertThat(cluster.leases().expireNow(id)).isFalse();
  }

  @Test
  void hourLease_advancedPastItsTtl_isRevoked() {
    EtcdCluster cluster = clusters.start(3, 41);
    Member leader = cluster.leader().orElseThrow();
    long id = grant(lease(cluster, leader), 3600);
    LeaseGrpc.LeaseBlockingStub lease = lease(cluster, leader);

    cluster.clock().advance(Duration.ofMinutes(59));
    long leftBefore = lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build())
        .getTTL();
    cluster.clock().advance(Duration.ofMinutes(1).plusSeconds(1));

    assertThat(leftBefore).isEqualTo(60);
    assertThat(lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build())
        .getTTL()).isEqualTo(-1);
  }

  @Test
  void follower_neverExpiresLeasesOnItsOwn() {
    EtcdCluster cluster = clusters.start(3, 51);
    Member leader = cluster.leader().orElseThrow();
    Member cutOff = follower(cluster);
    long id = grant(lease(cluster, leader), 2);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cutOff);
    kv.put(put("k", "v").toBuilder().setLease(id).build());

    cluster.network().isolate(cutOff);
    cluster.clock().advance(Duration.ofSeconds(10));

    assertThat(exists(kv, "k")).isTrue();
  }
}
