package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.VirtualClock;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A jetcd watch over TCP behind {@code clientLinks().delayResponses}: every message is late, none is lost. */
class DelayResponsesWatchTest {

  @Test
  @EtcdTest(members = 1, seed = 1, clock = VirtualClock.Mode.MANUAL)
  void delayResponses_jetcdWatch_createdAndEventArriveOnlyAfterTheDelay(EtcdCluster cluster,
      Member member, Client client) throws Exception {
    cluster.clientLinks().delayResponses(member, Duration.ofSeconds(1));
    CompletableFuture<Void> created = new CompletableFuture<>();
    CompletableFuture<String> event = new CompletableFuture<>();
    try (Watch.Watcher watcher = client.getWatchClient().watch(bytes("k"),
        WatchOption.builder().withCreateNotify(true).build(), response -> {
          if (response.isCreatedNotify()) {
            created.complete(null);
          }
          response.getEvents().forEach(e -> event.complete(
              e.getKeyValue().getValue().toString(StandardCharsets.UTF_8)));
        })) {
      // jetcd sends the create asynchronously: move time in steps until the created arrives.
      long start = cluster.clock().nanos();
      for (int step = 0; step < 200 && !created.isDone(); step++) {
        cluster.clock().advance(Duration.ofMillis(100));
        try {
          created.get(50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException notYet) {
          // next step
        }
      }
      assertThat(created).as("created response").isDone();
      assertThat(Duration.ofNanos(cluster.clock().nanos() - start))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));

      client.getKVClient().put(bytes("k"), bytes("v")); // its answer is held back too
      awaitApplied(cluster);
      assertThat(event).isNotDone();
      cluster.clock().advance(Duration.ofSeconds(1));

      assertThat(event.get(20, TimeUnit.SECONDS)).isEqualTo("v");
    }
  }

  /** The put travels over TCP: wait (bounded) until the member has applied it. */
  private static void awaitApplied(EtcdCluster cluster) throws InterruptedException {
    for (int i = 0; i < 200 && cluster.status().get(0).revision() < 2; i++) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    assertThat(cluster.status().get(0).revision()).as("revision after the put").isEqualTo(2);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
