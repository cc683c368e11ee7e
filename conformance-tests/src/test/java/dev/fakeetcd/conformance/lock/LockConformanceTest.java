package dev.fakeetcd.conformance.lock;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.testing.Observers.into;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.LeaseTimeToLiveRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.lock.LockGrpc;
import dev.fakeetcd.api.lock.LockRequest;
import dev.fakeetcd.api.lock.LockResponse;
import dev.fakeetcd.api.lock.UnlockRequest;
import dev.fakeetcd.api.lock.UnlockResponse;
import dev.fakeetcd.conformance.Await;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * The Lock service through raw stubs: keys {@code <name>/<lease ID in hex>}, a 60 s lease when none
 * is given, waiting behind older holders, and errors that reach the client as code UNKNOWN with
 * etcd's message (etcd 3.4: {@code etcdserver/api/v3lock/lock.go},
 * {@code clientv3/concurrency/mutex.go}).
 */
class LockConformanceTest {

  private static final long DEADLINE_SECONDS = 30;

  static LockGrpc.LockBlockingStub lock(EtcdTarget target) {
    return LockGrpc.newBlockingStub(target.channels().get(0))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static long grant(EtcdTarget target, long ttl) {
    return LeaseGrpc.newBlockingStub(target.channels().get(0))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttl).build()).getID();
  }

  static void revoke(EtcdTarget target, long lease) {
    LeaseGrpc.newBlockingStub(target.channels().get(0))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build());
  }

  static KeyValue get(EtcdTarget target, ByteString key) {
    var r = KVGrpc.newBlockingStub(target.channels().get(0))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .range(RangeRequest.newBuilder().setKey(key).build());
    return r.getKvsCount() == 0 ? null : r.getKvs(0);
  }

  static long revision(EtcdTarget target) {
    return KVGrpc.newBlockingStub(target.channels().get(0))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .range(RangeRequest.newBuilder().setKey(bytes("probe")).build()).getHeader().getRevision();
  }

  static LockRequest request(String name, long lease) {
    return LockRequest.newBuilder().setName(bytes(name)).setLease(lease).build();
  }

  static void assertUnknown(ThrowingCallable call, String description) {
    assertFails(call, Status.Code.UNKNOWN, description);
  }

  @ConformanceTest
  void lock_free_keyIsNameSlashLeaseHexWithEmptyValueAndTxnHeader(EtcdTarget target) {
    long lease = grant(target, 60);
    try {
      LockResponse locked = lock(target).lock(request("mylock", lease));

      assertThat(locked.getKey().toStringUtf8()).isEqualTo("mylock/" + Long.toHexString(lease));
      KeyValue kv = get(target, locked.getKey());
      assertThat(kv.getValue().isEmpty()).isTrue();
      assertThat(kv.getLease()).isEqualTo(lease);
      assertThat(kv.getCreateRevision()).isEqualTo(locked.getHeader().getRevision());
    } finally {
      revoke(target, lease);
    }
  }

  @ConformanceTest
  void lock_sameLeaseAgain_returnsSameKeyAtOnceWithoutWriting(EtcdTarget target) {
    long lease = grant(target, 60);
    try {
      LockResponse first = lock(target).lock(request("mylock", lease));

      LockResponse again = lock(target).lock(request("mylock", lease));

      assertThat(again.getKey()).isEqualTo(first.getKey());
      assertThat(again.getHeader().getRevision()).isEqualTo(first.getHeader().getRevision());
    } finally {
      revoke(target, lease);
    }
  }

  @ConformanceTest
  void lock_leaseZero_keyGetsNewSixtySecondLease(EtcdTarget target) {
    LockResponse locked = lock(target).lock(request("mylock", 0));
    long lease = get(target, locked.getKey()).getLease();
    try {
      long granted = LeaseGrpc.newBlockingStub(target.channels().get(0))
          .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(lease).build())
          .getGrantedTTL();

      assertThat(locked.getKey().toStringUtf8()).isEqualTo("mylock/" + Long.toHexString(lease));
      assertThat(granted).isEqualTo(60);
    } finally {
      revoke(target, lease);
    }
  }

  @ConformanceTest
  void lock_held_otherLeaseWaitsAndAcquiresAfterUnlock(EtcdTarget target) throws Exception {
    long a = grant(target, 60);
    long b = grant(target, 60);
    try {
      LockResponse held = lock(target).lock(request("mylock", a));
      CompletableFuture<LockResponse> waiting = new CompletableFuture<>();
      LockGrpc.newStub(target.channels().get(target.memberCount() - 1))
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .lock(request("mylock", b), into(waiting));
      Thread.sleep(500);
      assertThat(waiting).isNotDone();

      UnlockResponse unlocked = lock(target).unlock(UnlockRequest.newBuilder()
          .setKey(held.getKey()).build());

      LockResponse acquired = waiting.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      assertThat(acquired.getKey().toStringUtf8()).isEqualTo("mylock/" + Long.toHexString(b));
      // the header of the Range that found no older key: at or after the unlock
      assertThat(acquired.getHeader().getRevision())
          .isGreaterThanOrEqualTo(unlocked.getHeader().getRevision());
    } finally {
      revoke(target, a);
      revoke(target, b);
    }
  }

  @ConformanceTest
  void unlock_missingKey_succeedsAtCurrentRevision(EtcdTarget target) {
    long before = revision(target);

    UnlockResponse r = lock(target).unlock(UnlockRequest.newBuilder()
        .setKey(bytes("mylock/123")).build());

    assertThat(r.getHeader().getRevision()).isEqualTo(before);
  }

  @ConformanceTest
  void unlock_emptyKey_failsUnknownKeyNotProvided(EtcdTarget target) {
    assertUnknown(() -> lock(target).unlock(UnlockRequest.getDefaultInstance()),
        "etcdserver: key is not provided");
  }

  @ConformanceTest
  void lock_unknownLease_failsUnknownLeaseNotFound(EtcdTarget target) {
    assertUnknown(() -> lock(target).lock(request("mylock", 0x7eadbeefL)),
        "etcdserver: requested lease not found");
  }

  @ConformanceTest
  void lock_waiterGivesUp_itsKeyIsDeleted(EtcdTarget target) throws Exception {
    long a = grant(target, 60);
    long b = grant(target, 60);
    try {
      lock(target).lock(request("mylock", a));
      ByteString waiterKey = bytes("mylock/" + Long.toHexString(b));

      assertThatThrownBy(() -> LockGrpc.newBlockingStub(target.channels().get(0))
          .withDeadlineAfter(1, TimeUnit.SECONDS).lock(request("mylock", b)))
          // The client's deadline, or the server's copy of it firing first: etcd's lock service
          // then returns the context error unconverted (code 2).
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus())
              .satisfiesAnyOf(
                  s -> assertThat(s.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED),
                  s -> {
                    assertThat(s.getCode()).isEqualTo(Status.Code.UNKNOWN);
                    assertThat(s.getDescription()).isEqualTo("context deadline exceeded");
                  }));

      Await.until("the waiter's key is deleted", () -> get(target, waiterKey) == null);
    } finally {
      revoke(target, a);
      revoke(target, b);
    }
  }
}
