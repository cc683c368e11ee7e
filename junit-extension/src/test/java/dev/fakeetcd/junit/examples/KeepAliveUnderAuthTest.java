package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.examples.WatchReconnectTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.junit.EtcdTest;
import dev.fakeetcd.junit.EtcdUser;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A service registers itself under a lease it keeps alive with jetcd, as a user of an
 * auth-enabled cluster: keep-alives need no permission, so the registration lives through virtual
 * time and token expiry; once its client is closed the leader revokes the lease (as root, as
 * etcd does) and the key goes.
 */
class KeepAliveUnderAuthTest {

  static final String KEY = "services/api/instance-1";

  static AuthSetup services() {
    return AuthSetup.withRootPassword("rootpw")
        .role("service").grantPrefix("service", Permission.Type.READWRITE, "services/")
        .user("api", "api-pw", "service");
  }

  @Nested
  @EtcdTest(members = 1, auth = "services", bcryptCost = 4)
  class OneMember extends Scenarios {
  }

  @Nested
  @EtcdTest(members = 3, auth = "services", bcryptCost = 4)
  class ThreeMembers extends Scenarios {
  }

  abstract static class Scenarios {

    @Test
    void keepAlive_fiveMinuteAdvance_keyLives(EtcdCluster cluster,
        @EtcdUser("api") Client service) throws Exception {
      try (KeptAlive lease = register(service)) {
        cluster.clock().advance(Duration.ofMinutes(5));

        assertThat(registered(service)).isTrue();
        assertThat(lease.ttl(service)).isPositive();
        assertThat(lease.errors).isEmpty();
      }
    }

    @Test
    void keepAlive_acrossTokenExpiry_keyLives(EtcdCluster cluster,
        @EtcdUser("api") Client service) throws Exception {
      try (KeptAlive lease = register(service)) {
        cluster.authTokens().expireNow();
        cluster.clock().advance(Duration.ofMinutes(1));

        assertThat(registered(service)).isTrue();
        assertThat(lease.errors).isEmpty();
      }
    }

    /**
     * jetcd stops renewing when its client closes. (Closing only the keep-alive while the client
     * stays open keeps the lease alive here: see docs/divergences.md.)
     */
    @Test
    void keepAlive_clientClosed_leaseExpiresAndKeyIsDeleted(EtcdCluster cluster,
        @EtcdUser("api") Client observer) throws Exception {
      Client service = WatchUnderAuthTest.as(cluster.members(), "api", "api-pw");
      KeptAlive lease = register(service);
      cluster.clock().advance(Duration.ofMinutes(1));
      boolean whileKeptAlive = registered(observer);

      service.close();
      cluster.leases().awaitNotKeptAlive(lease.id);
      cluster.clock().advance(Duration.ofSeconds(7));

      assertThat(whileKeptAlive).isTrue();
      assertThat(registered(observer)).isFalse();
      assertThat(lease.ttl(observer)).isEqualTo(-1);
    }
  }

  /** Grants a 5 s lease kept alive, and puts the service's key under it. */
  static KeptAlive register(Client service) throws Exception {
    KeptAlive lease = KeptAlive.grant(service, 5);
    service.getKVClient().put(bytes(KEY), bytes("10.0.0.1:8080"),
        PutOption.builder().withLeaseId(lease.id).build()).get(10, TimeUnit.SECONDS);
    return lease;
  }

  static boolean registered(Client service) throws Exception {
    return service.getKVClient().get(bytes(KEY)).get(10, TimeUnit.SECONDS).getCount() == 1;
  }
}
