package com.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.junit.EtcdClusterExtension; // was: io.etcd.jetcd.test.EtcdClusterExtension
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** As written for jetcd-test 0.5.x, whose extension had constructors and getters; only the import changed. */
class ConstructorStyleTest {

  @RegisterExtension
  static final EtcdClusterExtension cluster = new EtcdClusterExtension("constructor-style", 3);

  @Test
  void getClientEndpoints_servesAJetcd05Client() throws Exception {
    ByteSequence key = ByteSequence.from("k", StandardCharsets.UTF_8);
    try (Client client = Client.builder().endpoints(cluster.getClientEndpoints()).build()) {
      client.getKVClient().put(key, ByteSequence.from("v", StandardCharsets.UTF_8))
          .get(10, TimeUnit.SECONDS);

      cluster.restart();

      assertThat(client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getCount()).isEqualTo(1);
      assertThat(cluster.getPeerEndpoints()).hasSize(3);
    }
  }
}
