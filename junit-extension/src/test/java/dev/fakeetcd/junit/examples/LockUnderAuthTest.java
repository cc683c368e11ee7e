package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.examples.LostLockTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.junit.EtcdTest;
import dev.fakeetcd.junit.EtcdUser;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Workers take a jetcd {@code Lock} as users of an auth-enabled cluster: etcd's lock service runs
 * its requests with the caller's token, so a worker needs READWRITE under the lock's prefix, and
 * an expired token is renewed by jetcd's retry.
 */
class LockUnderAuthTest {

  static final String LOCK = "jobs/nightly";

  static AuthSetup workers() {
    return AuthSetup.withRootPassword("rootpw")
        .role("worker").grantPrefix("worker", Permission.Type.READWRITE, "jobs/")
        .user("worker-a", "pw-a", "worker")
        .user("worker-b", "pw-b", "worker")
        .user("reporter", "pw-r");
  }

  @Nested
  @EtcdTest(members = 1, auth = "workers", bcryptCost = 4)
  class OneMember extends Scenarios {
  }

  @Nested
  @EtcdTest(members = 3, auth = "workers", bcryptCost = 4)
  class ThreeMembers extends Scenarios {
  }

  abstract static class Scenarios {

    @Test
    void lock_userWithReadwriteOnPrefix_locksAndUnlocks(@EtcdUser("worker-a") Client worker,
        @EtcdUser("root") Client admin) throws Exception {
      long lease = worker.getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID();

      LockResponse held = worker.getLockClient().lock(bytes(LOCK), lease)
          .get(10, TimeUnit.SECONDS);
      long whileHeld = admin.getKVClient().get(held.getKey()).get(10, TimeUnit.SECONDS)
          .getCount();
      worker.getLockClient().unlock(held.getKey()).get(10, TimeUnit.SECONDS);

      assertThat(held.getKey()).isEqualTo(bytes(LOCK + "/" + Long.toHexString(lease)));
      assertThat(whileHeld).isEqualTo(1);
      assertThat(admin.getKVClient().get(held.getKey()).get(10, TimeUnit.SECONDS).getCount())
          .isZero();
    }

    /** etcd's lock service returns its KV error as a plain Go error: code Unknown, etcd's text. */
    @Test
    void lock_userWithoutPermission_failsUnknownPermissionDenied(
        @EtcdUser("reporter") Client reporter, @EtcdUser("root") Client admin) throws Exception {
      long lease = reporter.getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID();

      ExecutionException failed = catchThrowableOfType(ExecutionException.class,
          () -> reporter.getLockClient().lock(bytes(LOCK), lease).get(10, TimeUnit.SECONDS));

      assertThat(Status.fromThrowable(failed.getCause())).satisfies(s -> {
        assertThat(s.getCode()).isEqualTo(Status.Code.UNKNOWN);
        assertThat(s.getDescription()).isEqualTo("etcdserver: permission denied");
      });
      assertThat(admin.getKVClient().get(bytes(LOCK + "/" + Long.toHexString(lease)))
          .get(10, TimeUnit.SECONDS).getCount()).isZero();
    }

    @Test
    void lock_afterTokenExpiry_authenticatesAgainAndLocks(EtcdCluster cluster,
        @EtcdUser("worker-a") Client worker) throws Exception {
      long lease = worker.getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID();
      worker.getKVClient().get(bytes(LOCK)).get(10, TimeUnit.SECONDS);  // holds a token now

      long before = authentications(cluster);

      cluster.authTokens().expireNow();

      assertThat(worker.getLockClient().lock(bytes(LOCK), lease).get(10, TimeUnit.SECONDS)
          .getKey()).isEqualTo(bytes(LOCK + "/" + Long.toHexString(lease)));
      assertThat(authentications(cluster)).isGreaterThan(before);
    }

    /**
     * A worker waits for the lock while every token expires. When the holder unlocks, the
     * waiter's lock call fails inside the server on its stale token; the server's attempt to take
     * its key back carries no token and fails too, as etcd's; jetcd's retry, with a new token,
     * finds the same key and holds the lock with it.
     */
    @Test
    void lock_waitingAcrossTokenExpiry_acquiresWithItsKeyWhenHolderUnlocks(EtcdCluster cluster,
        @EtcdUser("worker-a") Client holder, @EtcdUser("worker-b") Client waiter)
        throws Exception {
      long leaseA = holder.getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID();
      long leaseB = waiter.getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID();
      LockResponse held = holder.getLockClient().lock(bytes(LOCK), leaseA)
          .get(10, TimeUnit.SECONDS);
      CompletableFuture<LockResponse> waiting = waiter.getLockClient().lock(bytes(LOCK), leaseB);
      ByteSequence waiterKey = bytes(LOCK + "/" + Long.toHexString(leaseB));
      long queuedAt = awaitKey(holder, waiterKey).getCreateRevision();

      cluster.authTokens().expireNow();
      holder.getLockClient().unlock(held.getKey()).get(10, TimeUnit.SECONDS);

      assertThat(waiting.get(10, TimeUnit.SECONDS).getKey()).isEqualTo(waiterKey);
      assertThat(holder.getKVClient().get(bytes(LOCK + "/"),
              GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs())
          .singleElement().satisfies(kv -> {
            assertThat(kv.getKey()).isEqualTo(waiterKey);
            assertThat(kv.getCreateRevision()).isEqualTo(queuedAt);
          });
    }
  }

  /** Authenticate calls the cluster has answered, as its trace records them. */
  static long authentications(EtcdCluster cluster) {
    return cluster.trace().lines().filter(l -> l.contains("Auth/Authenticate")).count();
  }

  /** Waits, bounded, until the waiter's lock call has written its key; returns it. */
  static KeyValue awaitKey(Client client, ByteSequence key) throws Exception {
    List<KeyValue> kvs = List.of();
    for (int i = 0; i < 1_000 && kvs.isEmpty(); i++) {
      Thread.sleep(10);
      kvs = client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs();
    }
    assertThat(kvs).as("key %s", key).hasSize(1);
    return kvs.get(0);
  }
}
