package dev.fakeetcd.junit;

import static dev.fakeetcd.junit.EtcdClusterExtensionTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code withSsl(true)}, as jetcd's own SslTest uses it, with the cluster's CA. */
class EtcdClusterExtensionSslTest {

  @RegisterExtension
  static final EtcdClusterExtension cluster = EtcdClusterExtension.builder()
      .withNodes(1)
      .withSsl(true)
      .build();

  @Test
  void withSsl_servesHttpsThatAClientTrustingTheCaUses() throws Exception {
    assertThat(cluster.clientEndpoints()).singleElement()
        .satisfies(uri -> assertThat(uri.getScheme()).isEqualTo("https"));
    try (Client client = Client.builder()
        .endpoints(cluster.clientEndpoints())
        .authority("etcd0")
        .sslContext(b -> b.trustManager(cluster.caFile().toFile()))
        .build()) {
      KV kv = client.getKVClient();
      kv.put(bytes("tls/k"), bytes("v")).get(10, TimeUnit.SECONDS);

      assertThat(kv.get(bytes("tls/k")).get(10, TimeUnit.SECONDS).getCount()).isEqualTo(1);
    }
  }

  @Test
  void caFile_withoutSsl_failsSayingHowToGetOne() {
    try (EtcdClusterExtension plain = EtcdClusterExtension.builder().build()) {
      plain.start();

      assertThatThrownBy(plain::caFile).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("withSsl(true)");
    }
  }
}
