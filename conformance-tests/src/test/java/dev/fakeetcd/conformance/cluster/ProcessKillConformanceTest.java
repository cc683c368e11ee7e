package dev.fakeetcd.conformance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.lock.LockGrpc;
import dev.fakeetcd.api.lock.LockRequest;
import dev.fakeetcd.api.lock.LockResponse;
import dev.fakeetcd.conformance.Await;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import dev.fakeetcd.testing.Observers;
import dev.fakeetcd.testing.WatchTestClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A member's process killed (SIGKILL; the fake's {@code crash()}) while clients have calls open on
 * it: they end as on a lost connection, UNAVAILABLE, which clients such as jetcd retry, never
 * with a status they take as final.
 */
class ProcessKillConformanceTest {

  private static final long DEADLINE_SECONDS = 30;

  @ConformanceTest
  @Requires({Rpc.WATCH, Rpc.LEASE})
  void stop_endsAnOpenWatchAndAWaitingCallWithUnavailable(ClusterLauncher launcher)
      throws Exception {
    PrivateCluster cluster = launcher.launch();
    int killed = cluster.memberCount() - 1;
    ManagedChannel channel = cluster.channels().get(killed);
    WatchTestClient watch = new WatchTestClient(channel);
    watch.created(WatchTestClient.watch("k"));
    LockGrpc.newBlockingStub(cluster.channels().get(0))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .lock(lock(grant(cluster.channels().get(0))));
    CompletableFuture<LockResponse> waiting = new CompletableFuture<>();
    LockGrpc.newStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .lock(lock(grant(channel)), Observers.into(waiting));
    // The waiting Lock has put its own key and now waits for the holder's to go.
    Await.until("the second Lock waits", () -> KVGrpc.newBlockingStub(cluster.channels().get(0))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .range(RangeRequest.newBuilder().setKey(bytes("job/")).setRangeEnd(bytes("job0"))
            .setCountOnly(true).build()).getCount() == 2);

    cluster.stop(killed);

    Status watchEnd = watch.ended();
    Status lockEnd = Status.fromThrowable(waiting.handle((r, e) -> e)
        .get(DEADLINE_SECONDS, TimeUnit.SECONDS));
    System.out.printf("%s: watch ended with %s, waiting Lock with %s%n", cluster.name(), watchEnd,
        lockEnd);
    assertThat(watchEnd.getCode()).as("watch: %s", watchEnd).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(lockEnd.getCode()).as("lock: %s", lockEnd).isEqualTo(Status.Code.UNAVAILABLE);
  }

  private static LockRequest lock(long lease) {
    return LockRequest.newBuilder().setName(bytes("job")).setLease(lease).build();
  }

  private static long grant(ManagedChannel channel) {
    return LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
