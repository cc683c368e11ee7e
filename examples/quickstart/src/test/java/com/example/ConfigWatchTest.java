package com.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A component watches its configuration prefix and sees every change, in order. */
@EtcdTest(members = 3)
class ConfigWatchTest {

  @Test
  void watchPrefix_putThenDelete_seesBothInOrder(Client writer, Client reader) throws Exception {
    BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    // From the next revision on: watch() returns before the member has created the watch.
    long next = reader.getKVClient().get(bytes("config/")).get().getHeader().getRevision() + 1;
    WatchOption prefix = WatchOption.builder().isPrefix(true).withRevision(next).build();
    try (Watch.Watcher watcher = reader.getWatchClient().watch(bytes("config/"), prefix,
        response -> events.addAll(response.getEvents()))) {
      writer.getKVClient().put(bytes("config/a"), bytes("1")).get();
      writer.getKVClient().delete(bytes("config/a")).get();

      WatchEvent put = events.poll(10, TimeUnit.SECONDS);
      WatchEvent delete = events.poll(10, TimeUnit.SECONDS);
      assertThat(put.getEventType()).isEqualTo(WatchEvent.EventType.PUT);
      assertThat(put.getKeyValue().getValue()).isEqualTo(bytes("1"));
      assertThat(delete.getEventType()).isEqualTo(WatchEvent.EventType.DELETE);
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
