package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.Permission;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;

class AuthAttributeTest {

  static AuthSetup auth() {
    return AuthSetup.withRootPassword("rootpw")
        .role("app").grantPrefix("app", Permission.Type.READWRITE, "app/")
        .role("ops").grantPrefix("ops", Permission.Type.READWRITE, "ops/")
        .user("alice", "alicepw", "app")
        .user("bob", "bobpw", "ops");
  }

  @EtcdTest(members = 1, tcp = false, clock = VirtualClock.Mode.MANUAL, auth = "auth",
      authTokenTtlSeconds = 10, bcryptCost = 4)
  void attributes_configureTheCluster(EtcdCluster cluster) {
    assertThat(cluster.config().auth()).hasValueSatisfying(
        setup -> assertThat(setup.password("alice")).contains("alicepw"));
    assertThat(cluster.config().authToken()).isEqualTo("simple");
    assertThat(cluster.config().authTokenTtl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(cluster.config().bcryptCost()).isEqualTo(4);
  }

  @EtcdTest(auth = "auth", bcryptCost = 4)
  void user_insideItsRolePrefix_putsAndGets(@EtcdUser("alice") Client alice) throws Exception {
    alice.getKVClient().put(bytes("app/k"), bytes("v")).get(10, TimeUnit.SECONDS);

    assertThat(value(alice, "app/k")).isEqualTo("v");
  }

  @EtcdTest(auth = "auth", bcryptCost = 4)
  void user_outsideItsRolePrefix_isPermissionDenied(@EtcdUser("alice") Client alice) {
    assertThatThrownBy(() -> alice.getKVClient().put(bytes("ops/k"), bytes("v"))
        .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(StatusRuntimeException.class)
        .hasMessage("PERMISSION_DENIED: etcdserver: permission denied");
  }

  @EtcdTest(auth = "auth", bcryptCost = 4)
  void root_anyKeyAndAdminCalls_succeed(@EtcdUser("root") Client root) throws Exception {
    root.getKVClient().put(bytes("anywhere"), bytes("v")).get(10, TimeUnit.SECONDS);

    assertThat(value(root, "anywhere")).isEqualTo("v");
    assertThat(root.getAuthClient().userList().get(10, TimeUnit.SECONDS).getUsers())
        .containsExactly("alice", "bob", "root");
  }

  @EtcdTest(auth = "auth", bcryptCost = 4)
  void clientWithoutUser_onAuthCluster_failsWithUserNameIsEmpty(Client client) {
    assertThatThrownBy(() -> client.getKVClient().get(bytes("app/k")).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(StatusRuntimeException.class)
        .hasMessage("INVALID_ARGUMENT: etcdserver: user name is empty");
  }

  @EtcdTest(auth = "auth", bcryptCost = 4)
  void severalUsers_inOneTest_eachActsAsItself(@EtcdUser("alice") Client alice,
      @EtcdUser("bob") Client bob, @EtcdUser("root") Client root) throws Exception {
    alice.getKVClient().put(bytes("app/k"), bytes("a")).get(10, TimeUnit.SECONDS);
    bob.getKVClient().put(bytes("ops/k"), bytes("b")).get(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> bob.getKVClient().get(bytes("app/k")).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("etcdserver: permission denied");
    assertThat(List.of(value(root, "app/k"), value(root, "ops/k"))).containsExactly("a", "b");
  }

  @EtcdTest(auth = "auth", bcryptCost = 4)
  void expireNow_nextCall_authenticatesAgainAndSucceeds(EtcdCluster cluster,
      @EtcdUser("alice") Client alice) throws Exception {
    alice.getKVClient().put(bytes("app/k"), bytes("v")).get(10, TimeUnit.SECONDS);
    long before = authentications(cluster);

    cluster.authTokens().expireNow();

    assertThat(value(alice, "app/k")).isEqualTo("v");
    assertThat(authentications(cluster)).isGreaterThan(before);
  }

  @EtcdTest(auth = "auth", bcryptCost = 4, authTokenTtlSeconds = 10,
      clock = VirtualClock.Mode.MANUAL)
  void tokenTtlPassed_nextCall_authenticatesAgainAndSucceeds(EtcdCluster cluster,
      @EtcdUser("alice") Client alice) throws Exception {
    alice.getKVClient().put(bytes("app/k"), bytes("v")).get(10, TimeUnit.SECONDS);
    long before = authentications(cluster);

    cluster.clock().advance(Duration.ofSeconds(11));

    assertThat(value(alice, "app/k")).isEqualTo("v");
    assertThat(authentications(cluster)).isGreaterThan(before);
  }

  @Nested
  class InANestedClass {
    @EtcdTest(members = 1, tcp = false, clock = VirtualClock.Mode.MANUAL, auth = "auth",
        bcryptCost = 4)
    void authMethod_ofAnEnclosingClass_isUsed(EtcdCluster cluster) {
      assertThat(cluster.config().auth()).hasValueSatisfying(
          setup -> assertThat(setup.password("bob")).contains("bobpw"));
    }
  }

  /** Authenticate calls the cluster has answered, as its trace records them. */
  private static long authentications(EtcdCluster cluster) {
    return cluster.trace().lines().filter(l -> l.contains("Auth/Authenticate")).count();
  }

  private static String value(Client client, String key) throws Exception {
    List<KeyValue> kvs = client.getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getKvs();
    assertThat(kvs).hasSize(1);
    return kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
