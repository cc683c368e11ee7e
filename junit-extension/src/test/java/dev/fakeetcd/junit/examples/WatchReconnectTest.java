package dev.fakeetcd.junit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A watcher whose connections break: jetcd watches again from where it stopped. */
@EtcdTest(members = 3)
class WatchReconnectTest {

  @Test
  void watch_acrossDroppedConnections_resumesWithoutGapOrDuplicate(EtcdCluster cluster,
      Client client) throws Exception {
    LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    KV kv = client.getKVClient();
    long first = kv.put(bytes("config/a"), bytes("1")).get().getHeader().getRevision();
    // From a known revision: a watch created after the put still sees it.
    WatchOption prefix = WatchOption.builder().isPrefix(true).withRevision(first).build();
    try (Watch.Watcher watcher = client.getWatchClient().watch(bytes("config/"), prefix,
        Watch.listener(r -> events.addAll(r.getEvents()), errors::add))) {
      List<String> seen = new ArrayList<>(take(events, 1));

      for (Member m : cluster.members()) {        // every connection of the client breaks
        cluster.clientLinks().drop(m);
      }
      // Another service writes while the watch is down (this client's own calls in flight at
      // the break fail with UNAVAILABLE, as against a restarting etcd).
      try (Client writer = Client.builder().endpoints(cluster.endpoints().toArray(URI[]::new))
          .build()) {
        writer.getKVClient().put(bytes("config/b"), bytes("2")).get();
        writer.getKVClient().put(bytes("config/c"), bytes("3")).get();
        seen.addAll(take(events, 2));
        writer.getKVClient().put(bytes("config/d"), bytes("4")).get(); // after any duplicate
        seen.addAll(take(events, 1));
      }

      assertThat(seen).containsExactly("config/a=1", "config/b=2", "config/c=3", "config/d=4");
      assertThat(errors).isNotEmpty()            // jetcd reports the broken stream, then resumes
          .allSatisfy(e -> assertThat(((EtcdException) e).getErrorCode())
              .isEqualTo(ErrorCode.UNAVAILABLE));
    }
  }

  /** The next {@code n} events as {@code key=value}; each waits at most 10 s. */
  static List<String> take(LinkedBlockingQueue<WatchEvent> events, int n)
      throws InterruptedException {
    List<String> taken = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      WatchEvent e = events.poll(10, TimeUnit.SECONDS);
      assertThat(e).as("event %d of %d", i + 1, n).isNotNull();
      taken.add(e.getKeyValue().getKey() + "=" + e.getKeyValue().getValue());
    }
    return taken;
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
