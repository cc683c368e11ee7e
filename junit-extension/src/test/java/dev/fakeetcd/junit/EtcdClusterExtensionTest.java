package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.cluster.Member;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Written as a jetcd-test user writes it: only the import of {@code EtcdClusterExtension} says
 * that the cluster is fake-etcd's. One 3-member cluster for the class.
 */
class EtcdClusterExtensionTest {

  @RegisterExtension
  public static final EtcdClusterExtension cluster = EtcdClusterExtension.builder()
      .withClusterName("compat-three")
      .withNodes(3)
      .build();

  @Test
  void clientEndpoints_oneLoopbackUrlPerMemberOnItsOwnPort() {
    List<URI> endpoints = cluster.clientEndpoints();

    assertThat(endpoints).hasSize(3).allSatisfy(uri -> {
      assertThat(uri.getScheme()).isEqualTo("http");
      assertThat(uri.getHost()).isEqualTo("127.0.0.1");
    });
    assertThat(endpoints.stream().map(URI::getPort)).doesNotHaveDuplicates();
    assertThat(cluster.getClientEndpoints()).isEqualTo(endpoints);
  }

  @Test
  void put_throughAClientOnTheClientEndpoints_isReadBack() throws Exception {
    try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
      KV kv = client.getKVClient();
      kv.put(bytes("put/k"), bytes("v")).get(10, TimeUnit.SECONDS);

      assertThat(kv.get(bytes("put/k")).get(10, TimeUnit.SECONDS).getKvs())
          .singleElement().satisfies(kv1 -> assertThat(kv1.getValue()).isEqualTo(bytes("v")));
    }
  }

  @Test
  void restart_keepsTheDataAndTheSameClientReadsThemAfterReconnecting() throws Exception {
    try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
      KV kv = client.getKVClient();
      kv.put(bytes("restart/k"), bytes("kept")).get(10, TimeUnit.SECONDS);
      List<URI> before = cluster.clientEndpoints();

      cluster.restart();

      assertThat(cluster.clientEndpoints()).isEqualTo(before);
      assertThat(kv.get(bytes("restart/k")).get(30, TimeUnit.SECONDS).getKvs())
          .singleElement().satisfies(kv1 -> assertThat(kv1.getValue()).isEqualTo(bytes("kept")));
    }
  }

  @Test
  void peerEndpoints_areThePeerUrlsOfMemberList() throws Exception {
    try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
      List<Member> members = client.getClusterClient().listMember().get(10, TimeUnit.SECONDS)
          .getMembers();

      assertThat(cluster.peerEndpoints()).hasSize(3)
          .containsExactlyInAnyOrderElementsOf(members.stream()
              .flatMap(m -> m.getPeerURIs().stream()).toList());
      assertThat(cluster.getPeerEndpoints()).isEqualTo(cluster.peerEndpoints());
    }
  }

  @Test
  void cluster_byName_isTheRunningFakeCluster() {
    assertThat(cluster.clusterName()).isEqualTo("compat-three");
    assertThat(EtcdClusterExtension.cluster("compat-three")).isSameAs(cluster.cluster());
    assertThat(cluster.cluster().members()).hasSize(3);
    assertThat(EtcdClusterExtension.cluster("no-such-cluster")).isNull();
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
