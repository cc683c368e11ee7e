package dev.fakeetcd.junit;

import static dev.fakeetcd.junit.EtcdClusterExtensionTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** jetcd-test's default: one node, a random cluster name. */
class EtcdClusterExtensionOneNodeTest {

  @RegisterExtension
  static final EtcdClusterExtension cluster = EtcdClusterExtension.builder().build();

  @Test
  void builder_byDefault_runsOneMemberUnderARandomName() {
    assertThat(cluster.clientEndpoints()).hasSize(1);
    assertThat(cluster.peerEndpoints()).hasSize(1);
    assertThat(cluster.clusterName()).matches("[0-9a-f-]{36}");
    assertThat(EtcdClusterExtension.cluster(cluster.clusterName())).isSameAs(cluster.cluster());
  }

  @Test
  void restart_ofTheOnlyMember_keepsTheData() throws Exception {
    try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
      KV kv = client.getKVClient();
      kv.put(bytes("one/k"), bytes("v")).get(10, TimeUnit.SECONDS);

      cluster.restart();

      assertThat(kv.get(bytes("one/k")).get(30, TimeUnit.SECONDS).getCount()).isEqualTo(1);
    }
  }
}
