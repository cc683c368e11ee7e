package dev.fakeetcd.conformance.lock;

import static dev.fakeetcd.conformance.lock.ElectionConformanceTest.campaign;
import static dev.fakeetcd.conformance.lock.ElectionConformanceTest.election;
import static dev.fakeetcd.conformance.lock.ElectionConformanceTest.proclaim;
import static dev.fakeetcd.conformance.lock.LockConformanceTest.assertUnknown;
import static dev.fakeetcd.conformance.lock.LockConformanceTest.bytes;
import static dev.fakeetcd.conformance.lock.LockConformanceTest.get;
import static dev.fakeetcd.conformance.lock.LockConformanceTest.grant;
import static dev.fakeetcd.conformance.lock.LockConformanceTest.revoke;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.LeaseTimeToLiveRequest;
import dev.fakeetcd.api.LeaseTimeToLiveResponse;
import dev.fakeetcd.api.election.LeaderKey;
import dev.fakeetcd.api.election.ResignRequest;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;

/**
 * Proclaim and Resign with the lease their {@code LeaderKey} names: etcd 3.4 resumes the election
 * on a session of that lease (a new 60 s one for lease 0; {@code
 * etcdserver/api/v3election/election.go}), and Proclaim's put carries the session's lease
 * ({@code clientv3/concurrency/election.go}). Resign's delete needs no lease.
 */
class ElectionLeaseConformanceTest {

  private static final long UNKNOWN_LEASE = 12345;

  private static LeaseTimeToLiveResponse timeToLive(EtcdTarget target, long lease) {
    return LeaseGrpc.newBlockingStub(target.channels().get(0))
        .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(lease).build());
  }

  private static LeaderKey lead(EtcdTarget target, long lease) {
    return election(target).campaign(campaign("el", lease, "a")).getLeader();
  }

  @ConformanceTest
  void proclaim_unknownLease_failsUnknownLeaseNotFoundAndKeepsTheKey(EtcdTarget target) {
    long lease = grant(target, 60);
    try {
      LeaderKey leader = lead(target, lease);

      assertUnknown(() -> election(target).proclaim(proclaim(
          leader.toBuilder().setLease(UNKNOWN_LEASE).build(), "b")),
          "etcdserver: requested lease not found");
      KeyValue kv = get(target, leader.getKey());
      assertThat(kv.getValue().toStringUtf8()).isEqualTo("a");
      assertThat(kv.getLease()).isEqualTo(lease);
    } finally {
      revoke(target, lease);
    }
  }

  @ConformanceTest
  void proclaim_unknownLeaseStaleRevision_failsUnknownNotLeader(EtcdTarget target) {
    long lease = grant(target, 60);
    try {
      LeaderKey leader = lead(target, lease);

      assertUnknown(() -> election(target).proclaim(proclaim(leader.toBuilder()
          .setLease(UNKNOWN_LEASE).setRev(leader.getRev() - 1).build(), "b")),
          "election: not leader");
    } finally {
      revoke(target, lease);
    }
  }

  @ConformanceTest
  void proclaim_anotherLease_movesTheKeyToIt(EtcdTarget target) {
    long lease = grant(target, 60);
    long other = grant(target, 60);
    try {
      LeaderKey leader = lead(target, lease);

      election(target).proclaim(proclaim(leader.toBuilder().setLease(other).build(), "b"));

      KeyValue kv = get(target, leader.getKey());
      assertThat(kv.getValue().toStringUtf8()).isEqualTo("b");
      assertThat(kv.getLease()).isEqualTo(other);
    } finally {
      revoke(target, lease);
      revoke(target, other);
    }
  }

  @ConformanceTest
  void proclaim_leaseZero_movesTheKeyToANewSixtySecondLease(EtcdTarget target) {
    long lease = grant(target, 60);
    long moved = 0;
    try {
      LeaderKey leader = lead(target, lease);

      election(target).proclaim(proclaim(leader.toBuilder().setLease(0).build(), "b"));

      moved = get(target, leader.getKey()).getLease();
      assertThat(moved).isNotIn(0L, lease);
      assertThat(timeToLive(target, moved).getGrantedTTL()).isEqualTo(60);
    } finally {
      revoke(target, lease);
      if (moved != 0) {
        revoke(target, moved);
      }
    }
  }

  @ConformanceTest
  void proclaim_absentKeyRevisionZero_createsItUnderTheLease(EtcdTarget target) {
    long lease = grant(target, 60);
    try {
      LeaderKey absent = LeaderKey.newBuilder().setName(bytes("el")).setKey(bytes("el/1"))
          .setLease(lease).build();

      long revision = election(target).proclaim(proclaim(absent, "b")).getHeader().getRevision();

      KeyValue kv = get(target, absent.getKey());
      assertThat(kv.getCreateRevision()).isEqualTo(revision);
      assertThat(kv.getLease()).isEqualTo(lease);
    } finally {
      revoke(target, lease);
    }
  }

  @ConformanceTest
  void resign_unknownLease_deletesTheKey(EtcdTarget target) {
    long lease = grant(target, 60);
    try {
      LeaderKey leader = lead(target, lease);

      election(target).resign(ResignRequest.newBuilder()
          .setLeader(leader.toBuilder().setLease(UNKNOWN_LEASE)).build());

      assertThat(get(target, leader.getKey())).isNull();
    } finally {
      revoke(target, lease);
    }
  }
}
