package dev.fakeetcd.conformance.auth;

import static dev.fakeetcd.api.Permission.Type.READWRITE;
import static dev.fakeetcd.conformance.Await.await;
import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.auth.Auth.permission;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.Status;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Auth as jetcd users see it: the client authenticates with its user and password, sends the
 * token with every call, and authenticates again when a call fails with
 * {@code etcdserver: invalid auth token}.
 */
class JetcdAuthConformanceTest {

  private static final Duration TTL = Duration.ofSeconds(2);

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** A jetcd client on every member, logged in as alice, who may read and write {@code k}. */
  private static Client alice(PrivateCluster cluster) {
    Auth.user(cluster, Auth.enable(cluster), "alice", permission(READWRITE, "k", ""));
    return Client.builder().endpoints(cluster.endpoints().toArray(URI[]::new))
        .user(bytes("alice")).password(bytes("alice-pw")).build();
  }

  @ConformanceTest
  void client_withUserAndPassword_putsAndGetsWhatItsRoleAllows(ClusterLauncher launcher) {
    try (Client client = alice(Auth.launch(launcher))) {
      await(client.getKVClient().put(bytes("k"), bytes("v")));

      assertThat(await(client.getKVClient().get(bytes("k"))).getKvs())
          .singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(bytes("v")));
    }
  }

  @ConformanceTest
  void client_withUserAndPassword_isRefusedOutsideItsRole(ClusterLauncher launcher) {
    try (Client client = alice(Auth.launch(launcher))) {
      // jetcd hands the gRPC status over as it is.
      assertFails(() -> await(client.getKVClient().put(bytes("secret"), bytes("v"))),
          Status.Code.PERMISSION_DENIED, "etcdserver: permission denied");
    }
  }

  @ConformanceTest
  void client_idleLongerThanTheTokenTtl_authenticatesAgainOnItsNextCall(ClusterLauncher launcher)
      throws InterruptedException {
    PrivateCluster cluster = launcher.launch(Auth.options().authTokenTtl(TTL));
    try (Client client = alice(cluster)) {
      await(client.getKVClient().put(bytes("k"), bytes("v")));
      Caller witness = Auth.login(cluster.channels().get(0), "alice", "alice-pw");

      // The TTL, plus the sweep's 1 s resolution, plus a margin.
      Thread.sleep(TTL.plusMillis(1_500).toMillis());

      assertFails(() -> witness.kv().range(RangeRequest.newBuilder().setKey(Auth.bytes("k"))
          .build()), Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token");
      assertThat(await(client.getKVClient().get(bytes("k"))).getCount()).isEqualTo(1);
    }
  }
}
