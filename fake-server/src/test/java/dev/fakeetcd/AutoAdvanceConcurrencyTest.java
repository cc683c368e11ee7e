package dev.fakeetcd;

import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.sim.VirtualClock;
import dev.fakeetcd.testing.Observers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** AUTO_ADVANCE with several clients: a call waiting on time does not keep the others out. */
class AutoAdvanceConcurrencyTest {

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  @Test
  void put_waitingForItsTimeout_letsAnotherClientsPutsCompleteMeanwhile() throws Exception {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(3).seed(51)
        .clockMode(VirtualClock.Mode.AUTO_ADVANCE).build());
    Member leader = cluster.awaitLeader();
    Member cutOff = Clusters.follower(cluster);
    cluster.network().isolate(cutOff);
    KVGrpc.KVBlockingStub other = clusters.kv(cluster, leader);
    KVGrpc.KVStub waiting = KVGrpc.newStub(clusters.channel(cluster, cutOff));
    AtomicBoolean sent = new AtomicBoolean();
    CompletableFuture<PutResponse> answer = new CompletableFuture<>();

    // The other client puts all the time; each put that starts after the waiting one has been
    // sent and ends before it is answered ran while virtual time was moving for it.
    CompletableFuture<Integer> meanwhile = CompletableFuture.supplyAsync(() -> {
      int count = 0;
      for (int n = 0; n < 100_000 && !answer.isDone(); n++) {
        boolean after = sent.get();
        other.put(put("other", "v" + n));
        if (after && !answer.isDone()) {
          count++;
        }
      }
      return count;
    });
    while (other.withDeadlineAfter(10, TimeUnit.SECONDS).range(Clusters.get("other"))
        .getCount() == 0) {
      Thread.onSpinWait(); // until the other client is under way
    }
    sent.set(true);
    waiting.put(put("k", "v"), Observers.into(answer)); // this thread settles it: time moves

    assertThat(answer).failsWithin(10, TimeUnit.SECONDS).withThrowableThat()
        .havingCause().isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(meanwhile.get(30, TimeUnit.SECONDS)).as("puts done while the other waited")
        .isPositive();
  }
}
