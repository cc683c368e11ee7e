package dev.fakeetcd;

import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.testing.Observers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** AUTO_ADVANCE with several clients: a call waiting on time does not keep the others out. */
class AutoAdvanceConcurrencyTest {

  private static final long TTL_SECONDS = 60;

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  @Test
  void put_waitingForItsTimeout_letsAnotherClientsCallRunBeforeTimeMoves() throws Exception {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(3).seed(51)
        .clockMode(VirtualClock.Mode.AUTO_ADVANCE).build());
    Member leader = cluster.awaitLeader();
    Member cutOff = Clusters.follower(cluster);
    cluster.network().isolate(cutOff); // a put there waits for its timeout, 7 s of virtual time
    KVGrpc.KVStub waiting = KVGrpc.newStub(clusters.channel(cluster, cutOff));
    LeaseGrpc.LeaseBlockingStub other = LeaseGrpc.newBlockingStub(clusters.channel(cluster, leader));
    CompletableFuture<PutResponse> answer = new CompletableFuture<>();
    CompletableFuture<Long> lease = new CompletableFuture<>();
    // The waiter's thread settles its put, moving virtual time; the other client grants a lease,
    // whose remaining TTL afterwards tells when, in virtual time, it was granted.
    Thread waiter = new Thread(() -> waiting.put(put("k", "v"), Observers.into(answer)));
    Thread otherClient = new Thread(() -> lease.complete(other.leaseGrant(
        LeaseGrantRequest.newBuilder().setTTL(TTL_SECONDS).build()).getID()));

    synchronized (cluster.lock()) { // both arrive while the cluster lock is taken
      waiter.start();
      awaitBlocked(waiter);
      otherClient.start();
      awaitBlocked(otherClient);
    }

    assertThat(answer).failsWithin(10, TimeUnit.SECONDS).withThrowableThat()
        .havingCause().isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    long id = lease.get(10, TimeUnit.SECONDS);
    Duration remaining = cluster.leases().list().stream().filter(l -> l.id() == id).findFirst()
        .orElseThrow().remaining();
    // Granted before the waiting put's 7 s passed, not after it.
    assertThat(remaining).isLessThanOrEqualTo(Duration.ofSeconds(TTL_SECONDS - 7));
  }

  /** Until {@code thread} waits for the cluster lock (which the caller holds). */
  private static void awaitBlocked(Thread thread) throws InterruptedException {
    for (int i = 0; i < 1_000 && thread.getState() != Thread.State.BLOCKED; i++) {
      Thread.sleep(10); // polling, bounded: the thread is on its way to the lock
    }
    assertThat(thread.getState()).isEqualTo(Thread.State.BLOCKED);
  }
}
