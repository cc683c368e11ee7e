package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.api.Permission;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

class TlsAttributeTest {

  static AuthSetup auth() {
    return AuthSetup.withRootPassword("rootpw")
        .role("app").grantPrefix("app", Permission.Type.READWRITE, "app/")
        .user("alice", "alicepw", "app")
        .userWithoutPassword("carol", "app");
  }

  @EtcdTest(members = 1, clientCertAuth = true)
  void clientCertAuth_configuresTheClusterWithItsCertificates(EtcdCluster cluster) {
    assertThat(cluster.config().tls()).hasValueSatisfying(tls -> {
      assertThat(tls.clientCertAuth()).isTrue();
      assertThat(tls.trustedCaFile()).isPresent();
    });
  }

  @EtcdTest(members = 1, tls = true)
  void tls_client_putsAndGets(Client client) throws Exception {
    client.getKVClient().put(bytes("k"), bytes("v")).get(10, TimeUnit.SECONDS);

    assertThat(value(client, "k")).isEqualTo("v");
  }

  @EtcdTest(members = 1, tls = true, auth = "auth", bcryptCost = 4)
  void tls_userWithPassword_authenticates(@EtcdUser("alice") Client alice) throws Exception {
    alice.getKVClient().put(bytes("app/k"), bytes("v")).get(10, TimeUnit.SECONDS);

    assertThat(value(alice, "app/k")).isEqualTo("v");
  }

  @EtcdTest(members = 1, clientCertAuth = true)
  void clientCertAuth_client_putsWithItsCertificate(Client client) throws Exception {
    client.getKVClient().put(bytes("k"), bytes("v")).get(10, TimeUnit.SECONDS);

    assertThat(value(client, "k")).isEqualTo("v");
  }

  @EtcdTest(clientCertAuth = true, auth = "auth", bcryptCost = 4)
  void clientCertAuth_user_runsAsItsCommonName(@EtcdUser("alice") Client alice)
      throws Exception {
    alice.getKVClient().put(bytes("app/k"), bytes("v")).get(10, TimeUnit.SECONDS);

    assertThat(value(alice, "app/k")).isEqualTo("v");
    assertPermissionDenied(alice, "other");
  }

  @EtcdTest(members = 1, clientCertAuth = true, auth = "auth", bcryptCost = 4)
  void clientCertAuth_userWithoutPassword_runsByItsCertificate(@EtcdUser("carol") Client carol)
      throws Exception {
    carol.getKVClient().put(bytes("app/k"), bytes("v")).get(10, TimeUnit.SECONDS);

    assertThat(value(carol, "app/k")).isEqualTo("v");
  }

  @EtcdTest(members = 1, clientCertAuth = true, auth = "auth", bcryptCost = 4)
  void clientCertAuth_clientWithoutUser_isPermissionDenied(Client client) {
    assertPermissionDenied(client, "app/k");
  }

  private static void assertPermissionDenied(Client client, String key) {
    assertThatThrownBy(() -> client.getKVClient().put(bytes(key), bytes("v"))
        .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(StatusRuntimeException.class)
        .hasMessage("PERMISSION_DENIED: etcdserver: permission denied");
  }

  private static String value(Client client, String key) throws Exception {
    return client.getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getKvs().get(0)
        .getValue().toString(StandardCharsets.UTF_8);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
