package dev.fakeetcd.junit;

import static dev.fakeetcd.junit.EtcdAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.EtcdCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HistoryAssertTest {

  @Test
  @EtcdTest(seed = 12)
  void watchGuaranteesHold_jetcdPrefixWatchAndPuts_passes(EtcdCluster cluster, Client client)
      throws Exception {
    CompletableFuture<Void> created = new CompletableFuture<>();
    CountDownLatch events = new CountDownLatch(3);
    try (Watch.Watcher watcher = client.getWatchClient().watch(bytes("k/"),
        WatchOption.builder().isPrefix(true).withCreateNotify(true).build(), response -> {
          if (response.isCreatedNotify()) {
            created.complete(null);
          }
          response.getEvents().forEach(e -> events.countDown());
        })) {
      created.get(20, TimeUnit.SECONDS);
      for (int i = 0; i < 3; i++) {
        client.getKVClient().put(bytes("k/" + i), bytes("v")).get(20, TimeUnit.SECONDS);
      }
      org.assertj.core.api.Assertions.assertThat(events.await(20, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(cluster).history().watchGuaranteesHold();
  }

  @Test
  @EtcdTest(members = 1, history = false)
  void history_offByTheAttribute_refusesNamingTheFix(EtcdCluster cluster) {
    assertThatThrownBy(() -> assertThat(cluster).history().watchGuaranteesHold())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@EtcdTest(history = true)");
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
