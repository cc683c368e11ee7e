package dev.fakeetcd.conformance.lease;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrantResponse;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.LeaseKeepAliveResponse;
import dev.fakeetcd.api.LeaseLeasesRequest;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.LeaseStatus;
import dev.fakeetcd.api.LeaseTimeToLiveRequest;
import dev.fakeetcd.api.LeaseTimeToLiveResponse;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.testing.KeepAliveTestClient;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Lease service through raw stubs, on every member: grant (IDs, TTLs raised to the minimum),
 * keep-alive and time-to-live (of unknown leases: TTL 0 and -1, no error), revoke, listing, expiry,
 * their errors and response headers (etcd 3.4: {@code etcdserver/api/v3rpc/lease.go},
 * {@code lease/lessor.go}).
 */
class LeaseConformanceTest {

  private static final long DEADLINE_SECONDS = 30;
  private static final long MIN_TTL = 2;

  static LeaseGrpc.LeaseBlockingStub lease(EtcdTarget target, int member) {
    return LeaseGrpc.newBlockingStub(target.channels().get(member))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static KVGrpc.KVBlockingStub kv(EtcdTarget target) {
    return KVGrpc.newBlockingStub(target.channels().get(0))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static LeaseGrantResponse grant(EtcdTarget target, long ttl) {
    return lease(target, 0).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttl).build());
  }

  static void revoke(EtcdTarget target, long id) {
    lease(target, 0).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
  }

  static long put(EtcdTarget target, String key, long lease) {
    return kv(target).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8("v")).setLease(lease).build()).getHeader().getRevision();
  }

  static long revision(EtcdTarget target) {
    return kv(target).range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("probe"))
        .build()).getHeader().getRevision();
  }

  static long count(EtcdTarget target, String key) {
    return kv(target).range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .build()).getCount();
  }

  static LeaseTimeToLiveResponse timeToLive(EtcdTarget target, int member, long id, boolean keys) {
    return lease(target, member).leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id)
        .setKeys(keys).build());
  }

  @ConformanceTest
  void grant_serverChosenId_isPositiveWithTheTtlAndCurrentRevision(EtcdTarget target) {
    long before = revision(target);

    LeaseGrantResponse granted = grant(target, 60);
    try {
      assertThat(granted.getID()).isPositive();
      assertThat(granted.getTTL()).isEqualTo(60);
      assertThat(granted.getHeader().getRevision()).isEqualTo(before);
    } finally {
      revoke(target, granted.getID());
    }
  }

  @ConformanceTest
  void grant_clientChosenNegativeId_isAccepted(EtcdTarget target) {
    LeaseGrantResponse granted = lease(target, 0).leaseGrant(LeaseGrantRequest.newBuilder()
        .setID(-4660).setTTL(60).build());
    try {
      assertThat(granted.getID()).isEqualTo(-4660);
      assertThat(timeToLive(target, 0, -4660, false).getGrantedTTL()).isEqualTo(60);
    } finally {
      revoke(target, -4660);
    }
  }

  @ConformanceTest
  void grant_idInUse_failsLeaseAlreadyExists(EtcdTarget target) {
    long id = grant(target, 60).getID();
    try {
      assertFails(() -> lease(target, target.memberCount() - 1).leaseGrant(LeaseGrantRequest
          .newBuilder().setID(id).setTTL(100).build()),
          Status.Code.FAILED_PRECONDITION, "etcdserver: lease already exists");
    } finally {
      revoke(target, id);
    }
  }

  @ConformanceTest
  void grant_ttlAboveMaximum_failsTooLargeButTheMaximumIsAccepted(EtcdTarget target) {
    assertFails(() -> grant(target, 9_000_000_001L), Status.Code.OUT_OF_RANGE,
        "etcdserver: too large lease TTL");

    LeaseGrantResponse max = grant(target, 9_000_000_000L);
    revoke(target, max.getID());
    assertThat(max.getTTL()).isEqualTo(9_000_000_000L);
  }

  @ConformanceTest
  void grant_ttlBelowMinimum_isRaisedToTheMinimum(EtcdTarget target) {
    List<Long> ttls = new ArrayList<>();
    for (long ttl : new long[] {1, 0, -5}) {
      LeaseGrantResponse granted = grant(target, ttl);
      revoke(target, granted.getID());
      ttls.add(granted.getTTL());
    }

    assertThat(ttls).containsExactly(MIN_TTL, MIN_TTL, MIN_TTL);
  }

  @ConformanceTest
  void revoke_unknownLease_failsNotFound(EtcdTarget target) {
    long id = grant(target, 60).getID();
    revoke(target, id);

    assertFails(() -> revoke(target, id), Status.Code.NOT_FOUND,
        "etcdserver: requested lease not found");
  }

  @ConformanceTest
  void revoke_deletesEveryAttachedKeyInOneRevision(EtcdTarget target) {
    long id = grant(target, 60).getID();
    put(target, "b", id);
    long last = put(target, "a", id);

    long header = lease(target, 0).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build())
        .getHeader().getRevision();

    assertThat(header).isEqualTo(last + 1);
    assertThat(count(target, "a") + count(target, "b")).isZero();
  }

  @ConformanceTest
  void revoke_withoutKeys_writesNoRevision(EtcdTarget target) {
    long id = grant(target, 60).getID();
    long before = revision(target);

    long header = lease(target, 0).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build())
        .getHeader().getRevision();

    assertThat(header).isEqualTo(before);
    assertThat(revision(target)).isEqualTo(before);
  }

  @ConformanceTest
  void keepAlive_onEveryMember_answersTheGrantedTtl(EtcdTarget target) throws Exception {
    long id = grant(target, 1).getID();
    try {
      for (int m = 0; m < target.memberCount(); m++) {
        KeepAliveTestClient stream = new KeepAliveTestClient(target.channels().get(m));
        LeaseKeepAliveResponse answer = stream.renew(id);
        assertThat(stream.halfClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(answer.getID()).isEqualTo(id);
        assertThat(answer.getTTL()).isEqualTo(MIN_TTL);
        assertThat(answer.getHeader().getRevision()).isPositive();
      }
    } finally {
      revoke(target, id);
    }
  }

  @ConformanceTest
  void keepAlive_unknownLease_answersTtlZeroAndKeepsTheStream(EtcdTarget target) throws Exception {
    long id = grant(target, 60).getID();
    revoke(target, id);
    KeepAliveTestClient stream = new KeepAliveTestClient(target.channels().get(target.memberCount() - 1));

    LeaseKeepAliveResponse first = stream.renew(id);
    LeaseKeepAliveResponse second = stream.renew(id);
    assertThat(stream.halfClose().getCode()).isEqualTo(Status.Code.OK);

    assertThat(first.getTTL()).isZero();
    assertThat(second.getTTL()).isZero();
    assertThat(second.getID()).isEqualTo(id);
  }

  @ConformanceTest
  void timeToLive_freshLease_truncatesTheRemainingSeconds(EtcdTarget target) {
    long id = grant(target, 60).getID();
    try {
      for (int m = 0; m < target.memberCount(); m++) {
        LeaseTimeToLiveResponse ttl = timeToLive(target, m, id, false);
        assertThat(ttl.getID()).isEqualTo(id);
        assertThat(ttl.getTTL()).isBetween(58L, 60L);
        assertThat(ttl.getGrantedTTL()).isEqualTo(60);
        assertThat(ttl.getKeysList()).isEmpty();
      }
    } finally {
      revoke(target, id);
    }
  }

  @ConformanceTest
  void timeToLive_withKeys_listsTheAttachedKeys(EtcdTarget target) {
    long id = grant(target, 60).getID();
    try {
      put(target, "k2", id);
      put(target, "k1", id);

      assertThat(timeToLive(target, target.memberCount() - 1, id, true).getKeysList())
          .extracting(ByteString::toStringUtf8).containsExactlyInAnyOrder("k1", "k2");
    } finally {
      revoke(target, id);
    }
  }

  @ConformanceTest
  void timeToLive_unknownLease_answersMinusOne(EtcdTarget target) {
    long id = grant(target, 60).getID();
    revoke(target, id);
    long current = revision(target);

    LeaseTimeToLiveResponse ttl = timeToLive(target, 0, id, true);

    assertThat(ttl.getTTL()).isEqualTo(-1);
    assertThat(ttl.getGrantedTTL()).isZero();
    assertThat(ttl.getHeader().getRevision()).isEqualTo(current);
  }

  @ConformanceTest
  void leases_onTheLeaderSide_listSoonestExpiryFirst(EtcdTarget target) {
    long later = grant(target, 600).getID();
    long sooner = grant(target, 300).getID();
    try {
      // Every member lists the lease IDs; the order is meaningful where the leases expire.
      for (int m = 0; m < target.memberCount(); m++) {
        List<Long> ids = lease(target, m).leaseLeases(LeaseLeasesRequest.getDefaultInstance())
            .getLeasesList().stream().map(LeaseStatus::getID).toList();
        assertThat(ids).contains(later, sooner);
      }
    } finally {
      revoke(target, later);
      revoke(target, sooner);
    }
  }

  @ConformanceTest
  void put_withExpiringLease_keyDisappearsAfterTheMinimumTtl(EtcdTarget target) throws Exception {
    long id = grant(target, 1).getID();
    put(target, "short", id);

    boolean gone = false;
    for (int i = 0; i < 40 && !gone; i++) {
      Thread.sleep(200);
      gone = count(target, "short") == 0;
    }

    assertThat(gone).as("key of a %d s lease gone within 8 s", MIN_TTL).isTrue();
    assertThat(timeToLive(target, 0, id, false).getTTL()).isEqualTo(-1);
  }
}
