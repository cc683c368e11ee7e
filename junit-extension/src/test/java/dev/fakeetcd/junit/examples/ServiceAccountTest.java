package dev.fakeetcd.junit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.junit.EtcdTest;
import dev.fakeetcd.junit.EtcdUser;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A service account limited to its prefix, as an operator would set it up: it is refused outside
 * the prefix and keeps working when its session ends. bcryptCost 4 keeps password checks fast.
 */
@EtcdTest(members = 3, auth = "accounts", bcryptCost = 4)
class ServiceAccountTest {

  static AuthSetup accounts() {
    return AuthSetup.withRootPassword("rootpw")
        .role("billing").grantPrefix("billing", Permission.Type.READWRITE, "billing/")
        .user("billing-svc", "s3cret", "billing");
  }

  @Test
  void serviceAccount_readsOtherPrefix_isDenied(@EtcdUser("billing-svc") Client service,
      @EtcdUser("root") Client admin) throws Exception {
    admin.getKVClient().put(bytes("orders/1"), bytes("open")).get();
    service.getKVClient().put(bytes("billing/invoice-1"), bytes("42")).get();

    assertThatThrownBy(() -> service.getKVClient().get(bytes("orders/1")).get())
        .hasMessageContaining("etcdserver: permission denied");
  }

  @Test
  void serviceAccount_tokenExpired_nextCallAuthenticatesAgain(EtcdCluster cluster,
      @EtcdUser("billing-svc") Client service) throws Exception {
    service.getKVClient().put(bytes("billing/invoice-1"), bytes("42")).get();

    cluster.authTokens().expireNow();       // as if --auth-token-ttl had passed

    assertThat(service.getKVClient().get(bytes("billing/invoice-1")).get().getKvs())
        .singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(bytes("42")));
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
