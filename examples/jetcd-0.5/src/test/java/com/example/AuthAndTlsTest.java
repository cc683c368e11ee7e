package com.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.junit.EtcdTest;
import dev.fakeetcd.junit.EtcdUser;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** jetcd 0.5.11's user and password, and its TLS, as the relocated extension sets them up. */
class AuthAndTlsTest {

  @Nested
  @EtcdTest(auth = "accounts", bcryptCost = 4)
  class Auth {

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
  }

  @Nested
  @EtcdTest(tls = true)
  class Tls {

    @Test
    void put_overTls_getReadsIt(Client client) throws Exception {
      client.getKVClient().put(bytes("k"), bytes("v")).get();

      assertThat(client.getKVClient().get(bytes("k")).get().getCount()).isEqualTo(1);
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
