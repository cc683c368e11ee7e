package com.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.support.Observers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A service registers itself under a lease, as service discovery on etcd does. */
@EtcdTest(members = 3)
class SessionLeaseTest {

  @Test
  void registration_keptAlive_outlivesItsTtl(EtcdCluster cluster, Client client) throws Exception {
    long lease = client.getLeaseClient().grant(10).get().getID();
    client.getKVClient().put(bytes("services/api"), bytes("10.0.0.1:8080"),
        PutOption.builder().withLeaseId(lease).build()).get();
    CompletableFuture<LeaseKeepAliveResponse> renewed = new CompletableFuture<>();
    try (CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease,
        Observers.<LeaseKeepAliveResponse>builder()
            .onNext(renewed::complete).onError(renewed::completeExceptionally).build())) {
      renewed.get(10, TimeUnit.SECONDS);

      cluster.clock().advance(Duration.ofMinutes(5));   // virtual time: the test takes no longer

      assertThat(client.getKVClient().get(bytes("services/api")).get().getCount()).isEqualTo(1);
    }
  }

  @Test
  void registration_notKeptAlive_expiresWithItsLease(EtcdCluster cluster, Client client)
      throws Exception {
    long lease = client.getLeaseClient().grant(10).get().getID();
    client.getKVClient().put(bytes("services/api"), bytes("10.0.0.1:8080"),
        PutOption.builder().withLeaseId(lease).build()).get();

    cluster.clock().advance(Duration.ofSeconds(15));

    assertThat(client.getKVClient().get(bytes("services/api")).get().getCount()).isZero();
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
