package dev.fakeetcd.junit;

import static dev.fakeetcd.junit.EtcdClusterExtensionTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.Member;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code restart(delay, unit)} looks to clients like a restart of etcd's containers. */
class EtcdClusterExtensionRestartTest {

  @RegisterExtension
  static final EtcdClusterExtension cluster = EtcdClusterExtension.builder()
      .withNodes(3)
      .build();

  @Test
  void restart_withDelay_refusesConnectionsWhileStoppedThenServesTheDataOnTheSamePorts()
      throws Exception {
    try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
      KV kv = client.getKVClient();
      kv.put(bytes("delay/k"), bytes("kept")).get(10, TimeUnit.SECONDS);
      List<URI> endpoints = cluster.clientEndpoints();

      CompletableFuture<Void> restart =
          CompletableFuture.runAsync(() -> cluster.restart(2, TimeUnit.SECONDS));
      awaitAllDown();
      endpoints.forEach(EtcdClusterExtensionLifecycleTest::refused);
      restart.get(30, TimeUnit.SECONDS);

      assertThat(cluster.clientEndpoints()).isEqualTo(endpoints);
      assertThat(kv.get(bytes("delay/k")).get(30, TimeUnit.SECONDS).getKvs())
          .singleElement().satisfies(kv1 -> assertThat(kv1.getValue()).isEqualTo(bytes("kept")));
    }
  }

  @Test
  void restart_withDelay_breaksAWatchThatJetcdResumes() throws Exception {
    try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
      LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      long first = client.getKVClient().put(bytes("watch/k"), bytes("1"))
          .get(10, TimeUnit.SECONDS).getHeader().getRevision();
      // From a known revision: the watch sees the first put however late it is created.
      try (Watch.Watcher watcher = client.getWatchClient().watch(bytes("watch/k"),
          WatchOption.builder().withRevision(first).build(),
          Watch.listener(r -> events.addAll(r.getEvents()), errors::add))) {
        assertThat(events.poll(10, TimeUnit.SECONDS)).as("the first put's event").isNotNull();

        cluster.restart(1, TimeUnit.SECONDS);
        client.getKVClient().put(bytes("watch/k"), bytes("2")).get(30, TimeUnit.SECONDS);

        WatchEvent after = events.poll(30, TimeUnit.SECONDS);
        assertThat(after).isNotNull();
        assertThat(after.getKeyValue().getValue()).isEqualTo(bytes("2"));
        assertThat(events).as("nothing else, no duplicate").isEmpty();
        assertThat(errors).as("what jetcd's watch saw of the restart").isNotEmpty()
            .allSatisfy(e -> assertThat(((EtcdException) e).getErrorCode())
                .isEqualTo(ErrorCode.UNAVAILABLE));
      }
    }
  }

  @Test
  void restart_afterATestCrashedEveryMember_startsThemAllAgain() throws Exception {
    cluster.cluster().members().forEach(Member::crash);

    cluster.restart();

    assertThat(cluster.cluster().members()).allMatch(Member::isUp);
    assertThat(cluster.cluster().leader()).isPresent();
  }

  /** Polls, bounded, until the restart has stopped every member. */
  private static void awaitAllDown() throws InterruptedException {
    for (int i = 0; i < 1_000 && cluster.cluster().members().stream().anyMatch(Member::isUp);
        i++) {
      Thread.sleep(5);
    }
    assertThat(cluster.cluster().members()).noneMatch(Member::isUp);
  }
}
