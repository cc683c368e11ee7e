package dev.fakeetcd.conformance.watch;

import static dev.fakeetcd.conformance.watch.WatchConformanceTest.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Watch as jetcd users see it. */
class JetcdWatchConformanceTest {

  private static final long CEILING_SECONDS = 20;

  private static ByteSequence sequence(String utf8) {
    return ByteSequence.from(utf8, StandardCharsets.UTF_8);
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(CEILING_SECONDS, TimeUnit.SECONDS);
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void watch_prefix_receivesPutsAndDeletesInOrder(EtcdTarget target, Client client) throws Exception {
    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> three = new CompletableFuture<>();
    // jetcd creates the watch asynchronously: start it at the next revision so no put can slip
    // in before the server has it.
    long next = await(client.getKVClient().get(sequence("p/"))).getHeader().getRevision() + 1;
    try (Watch.Watcher watcher = client.getWatchClient().watch(sequence("p/"),
        WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(next).build(), response -> {
          events.addAll(response.getEvents());
          if (events.size() >= 3) {
            three.complete(null);
          }
        })) {
      await(client.getKVClient().put(sequence("p/a"), sequence("1")));
      await(client.getKVClient().put(sequence("p/a"), sequence("2")));
      await(client.getKVClient().delete(sequence("p/a")));
      await(three);
    }

    assertThat(events).extracting(WatchEvent::getEventType).containsExactly(
        WatchEvent.EventType.PUT, WatchEvent.EventType.PUT, WatchEvent.EventType.DELETE);
    assertThat(events.get(2).getPrevKV().getValue()).isEqualTo(sequence("2"));
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void watch_compactedStartRevision_failsWithJetcdsCompactedException(EtcdTarget target, Client client)
      throws Exception {
    long first = put(target, "k", "1");
    long compacted = put(target, "k", "2");
    KVGrpc.newBlockingStub(target.channels().get(0)).withDeadlineAfter(30, TimeUnit.SECONDS)
        .compact(CompactionRequest.newBuilder().setRevision(compacted).build());
    CompletableFuture<Throwable> failure = new CompletableFuture<>();

    try (Watch.Watcher watcher = client.getWatchClient().watch(sequence("k"),
        WatchOption.builder().withRevision(first).build(),
        Watch.listener(response -> { }, failure::complete))) {
      Throwable error = await(failure);

      assertThat(error).isInstanceOf(CompactedException.class);
      assertThat(((CompactedException) error).getCompactedRevision()).isEqualTo(compacted);
    }
  }
}
