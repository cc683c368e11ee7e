package com.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.junit.Endpoints;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.support.Observers;
import io.etcd.jetcd.watch.WatchEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** jetcd 0.5.11, on its own grpc-java 1.41 and Netty 4.1, against the relocated fake over TCP. */
@EtcdTest(members = 3)
class Jetcd05Test {

  @Test
  void put_injectedClient_getReadsIt(Client client) throws Exception {
    client.getKVClient().put(bytes("config/a"), bytes("1")).get();

    assertThat(client.getKVClient().get(bytes("config/a")).get().getKvs())
        .singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(bytes("1")));
  }

  @Test
  void put_ownClientOnEndpoints_injectedClientReadsIt(@Endpoints List<URI> endpoints,
      Client injected) throws Exception {
    try (Client own = Client.builder().endpoints(endpoints.toArray(URI[]::new)).build()) {
      own.getKVClient().put(bytes("config/b"), bytes("2")).get();
    }

    assertThat(injected.getKVClient().get(bytes("config/b")).get().getCount()).isEqualTo(1);
  }

  @Test
  void watch_put_deliversTheEvent(Client writer, Client reader) throws Exception {
    BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    // From the next revision on: watch() returns before the member has created the watch.
    long next = reader.getKVClient().get(bytes("config/a")).get().getHeader().getRevision() + 1;
    try (Watch.Watcher watcher = reader.getWatchClient().watch(bytes("config/a"),
        WatchOption.newBuilder().withRevision(next).build(),
        Watch.listener(response -> events.addAll(response.getEvents())))) {
      writer.getKVClient().put(bytes("config/a"), bytes("1")).get();

      WatchEvent event = events.poll(10, TimeUnit.SECONDS);
      assertThat(event.getEventType()).isEqualTo(WatchEvent.EventType.PUT);
      assertThat(event.getKeyValue().getValue()).isEqualTo(bytes("1"));
    }
  }

  @Test
  void lease_keptAlive_outlivesItsTtl(EtcdCluster cluster, Client client) throws Exception {
    long lease = client.getLeaseClient().grant(10).get().getID();
    client.getKVClient().put(bytes("services/api"), bytes("10.0.0.1:8080"),
        PutOption.newBuilder().withLeaseId(lease).build()).get();
    CompletableFuture<LeaseKeepAliveResponse> renewed = new CompletableFuture<>();
    try (CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease,
        Observers.observer(renewed::complete, renewed::completeExceptionally))) {
      renewed.get(10, TimeUnit.SECONDS);

      cluster.clock().advance(Duration.ofMinutes(5));

      assertThat(client.getKVClient().get(bytes("services/api")).get().getCount()).isEqualTo(1);
    }
  }

  @Test
  void lease_notKeptAlive_expiresWithItsKey(EtcdCluster cluster, Client client) throws Exception {
    long lease = client.getLeaseClient().grant(10).get().getID();
    client.getKVClient().put(bytes("services/api"), bytes("10.0.0.1:8080"),
        PutOption.newBuilder().withLeaseId(lease).build()).get();

    cluster.clock().advance(Duration.ofSeconds(15));

    assertThat(client.getKVClient().get(bytes("services/api")).get().getCount()).isZero();
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
