package com.example.fromjetcdtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.junit.EtcdClusterExtension; // was: io.etcd.jetcd.test.EtcdClusterExtension
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One node, registered on an instance field: every test gets a cluster of its own, as with
 * jetcd-test. Only the import above changed; examples/jetcd-0.5 compiles it against jetcd 0.5.11.
 */
class SingleNodeTest {

  @RegisterExtension
  final EtcdClusterExtension cluster = EtcdClusterExtension.builder().withNodes(1).build();

  static final ByteSequence KEY = ByteSequence.from("k", StandardCharsets.UTF_8);

  @Test
  void put_thenGet() throws Exception {
    try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
      client.getKVClient().put(KEY, ByteSequence.from("v", StandardCharsets.UTF_8))
          .get(10, TimeUnit.SECONDS);

      assertThat(client.getKVClient().get(KEY).get(10, TimeUnit.SECONDS).getCount()).isEqualTo(1);
    }
  }

  @Test
  void eachTest_startsEmpty() throws Exception {
    try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
      assertThat(client.getKVClient().get(KEY).get(10, TimeUnit.SECONDS).getCount()).isZero();
    }
  }

  @Test
  void restart_theSameClientReadsAgain() throws Exception {
    try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
      client.getKVClient().put(KEY, ByteSequence.from("v", StandardCharsets.UTF_8))
          .get(10, TimeUnit.SECONDS);

      cluster.restart();

      assertThat(client.getKVClient().get(KEY).get(10, TimeUnit.SECONDS).getCount()).isEqualTo(1);
    }
  }
}
