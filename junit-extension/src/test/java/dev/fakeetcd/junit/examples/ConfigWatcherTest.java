package dev.fakeetcd.junit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.EtcdFailure;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A config watcher that falls behind a compaction and recovers by listing again. */
@EtcdTest(members = 3)
class ConfigWatcherTest {

  /**
   * The code under test: a live copy of every key under a prefix. It lists the prefix, watches from
   * the listed revision + 1, and when the history it needs is compacted away, lists again.
   */
  static final class ConfigWatcher implements AutoCloseable {
    private final Client client;
    private final ByteSequence prefix;
    private final ExecutorService lister = Executors.newSingleThreadExecutor();
    private final Map<String, String> config = new TreeMap<>();
    private final AtomicInteger lists = new AtomicInteger();
    private Watch.Watcher watcher;

    ConfigWatcher(Client client, String prefix) throws Exception {
      this.client = client;
      this.prefix = bytes(prefix);
      lister.submit(this::list).get(10, TimeUnit.SECONDS);
    }

    private Void list() throws Exception {
      GetResponse listed = client.getKVClient()
          .get(prefix, GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
      synchronized (this) {
        if (watcher != null) {
          watcher.close();
        }
        config.clear();
        for (KeyValue kv : listed.getKvs()) {
          config.put(kv.getKey().toString(), kv.getValue().toString());
        }
        lists.incrementAndGet();
        WatchOption from = WatchOption.builder().isPrefix(true)
            .withRevision(listed.getHeader().getRevision() + 1).build();
        watcher = client.getWatchClient().watch(prefix, from,
            Watch.listener(this::changed, this::failed));
      }
      return null;
    }

    private synchronized void changed(WatchResponse response) {
      for (WatchEvent e : response.getEvents()) {
        String key = e.getKeyValue().getKey().toString();
        if (e.getEventType() == WatchEvent.EventType.DELETE) {
          config.remove(key);
        } else {
          config.put(key, e.getKeyValue().getValue().toString());
        }
      }
    }

    private void failed(Throwable error) {
      // jetcd retries a broken connection by itself; a compacted history is ours to handle.
      if (error instanceof CompactedException) {
        lister.submit(this::list);
      }
    }

    synchronized Map<String, String> config() {
      return Map.copyOf(config);
    }

    int lists() {
      return lists.get();
    }

    @Override
    public synchronized void close() {
      lister.shutdownNow();
      watcher.close();
    }
  }

  @Test
  void configWatcher_historyCompactedWhileDisconnected_listsAgainAndEndsCurrent(
      EtcdCluster cluster, Client client) throws Exception {
    KV kv = client.getKVClient();
    kv.put(bytes("config/a"), bytes("1")).get();
    kv.put(bytes("config/b"), bytes("1")).get();

    try (ConfigWatcher watcher = new ConfigWatcher(client, "config/")) {
      assertThat(watcher.config()).isEqualTo(Map.of("config/a", "1", "config/b", "1"));

      // The watch breaks and cannot come back for now: every member refuses watches before any
      // connection drops, so jetcd cannot resume on a member that still accepts them.
      for (Member m : cluster.members()) {
        cluster.clientLinks().failNext(m, "etcdserverpb.Watch/Watch", 1_000, EtcdFailure.STOPPED);
      }
      for (Member m : cluster.members()) {
        cluster.clientLinks().drop(m);
      }
      try (Client writer = Client.builder().endpoints(cluster.endpoints().toArray(URI[]::new))
          .build()) {
        KV w = writer.getKVClient();
        w.put(bytes("config/a"), bytes("2")).get();
        w.delete(bytes("config/b")).get();
        long last = w.put(bytes("config/c"), bytes("3")).get().getHeader().getRevision();
        cluster.compact(last);                  // the changes the watcher missed are gone
      }
      for (Member m : cluster.members()) {
        cluster.clientLinks().clear(m);         // jetcd's next retry gets the compaction error
      }

      Map<String, String> expected = Map.of("config/a", "2", "config/c", "3");
      for (int i = 0; i < 300 && !watcher.config().equals(expected); i++) {
        Thread.sleep(100);                      // bounded: 30 s at most (jetcd's retry backoff)
      }
      assertThat(watcher.config()).isEqualTo(expected);
      assertThat(watcher.lists()).isEqualTo(2);
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
