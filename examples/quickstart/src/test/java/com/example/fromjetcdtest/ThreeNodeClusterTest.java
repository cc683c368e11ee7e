package com.example.fromjetcdtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.junit.EtcdClusterExtension; // was: io.etcd.jetcd.test.EtcdClusterExtension
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test class as written for jetcd-test's EtcdClusterExtension; only the import above changed.
 * examples/jetcd-0.5 compiles this same file against jetcd 0.5.11.
 */
class ThreeNodeClusterTest {

  @RegisterExtension
  static final EtcdClusterExtension cluster = EtcdClusterExtension.builder()
      .withNodes(3)
      .withClusterName("three-nodes")
      .build();

  static final ByteSequence KEY = ByteSequence.from("config/a", StandardCharsets.UTF_8);
  static final ByteSequence VALUE = ByteSequence.from("1", StandardCharsets.UTF_8);

  @Test
  void clientEndpoints_oneHttpEndpointPerNode() {
    assertThat(cluster.clientEndpoints()).hasSize(3)
        .allSatisfy(uri -> assertThat(uri.getScheme()).isEqualTo("http"));
  }

  @Test
  void put_readBackThroughAnotherNode() throws Exception {
    try (Client writer = Client.builder().endpoints(cluster.clientEndpoints().get(0)).build();
        Client reader = Client.builder().endpoints(cluster.clientEndpoints().get(2)).build()) {
      writer.getKVClient().put(KEY, VALUE).get(10, TimeUnit.SECONDS);

      GetResponse response = reader.getKVClient().get(KEY).get(10, TimeUnit.SECONDS);

      assertThat(response.getKvs()).hasSize(1);
      assertThat(response.getKvs().get(0).getValue()).isEqualTo(VALUE);
    }
  }

  @Test
  void restart_theSameClientReadsTheDataAgain() throws Exception {
    try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
      ByteSequence key = ByteSequence.from("restart/kept", StandardCharsets.UTF_8);
      client.getKVClient().put(key, VALUE).get(10, TimeUnit.SECONDS);

      cluster.restart(500, TimeUnit.MILLISECONDS);

      assertThat(client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs()).hasSize(1);
    }
  }
}
