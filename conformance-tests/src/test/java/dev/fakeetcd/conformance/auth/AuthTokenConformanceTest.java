package dev.fakeetcd.conformance.auth;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Failures.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.AuthDisableRequest;
import dev.fakeetcd.api.AuthUserChangePasswordRequest;
import dev.fakeetcd.api.AuthUserDeleteRequest;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How tokens travel and when they stop working (etcd 3.4: {@code auth/store.go}
 * {@code AuthInfoFromCtx} looks up any token sent, auth on or off; {@code auth/simple_token.go}
 * first waits until the member has applied the raft index a simple token ends with, and keeps each
 * simple token for {@code --auth-token-ttl} after its last use, swept every second).
 */
class AuthTokenConformanceTest {

  private static final String INVALID_TOKEN = "etcdserver: invalid auth token";
  private static final Duration TTL = Duration.ofSeconds(2);
  /**
   * A simple token's shape with raft index 1, which every member has applied: etcd waits for the
   * index named in a token before looking the token up.
   */
  private static final String UNKNOWN_TOKEN = "abcdefghijklmnop.1";

  private static RangeRequest range(String key) {
    return RangeRequest.newBuilder().setKey(Auth.bytes(key)).build();
  }

  private static Caller alice(PrivateCluster cluster, Caller root) {
    return Auth.user(cluster, root, "alice", Auth.permission(Permission.Type.READWRITE, "k", ""));
  }

  @ConformanceTest
  void range_unknownTokenWithAuthDisabled_failsInvalidAuthToken(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller stranger = Caller.withToken(cluster.channels().get(0), UNKNOWN_TOKEN);

    assertFails(() -> stranger.kv().range(range("k")), Status.Code.UNAUTHENTICATED,
        INVALID_TOKEN);
  }

  @ConformanceTest
  void put_unknownTokenWithAuthDisabled_failsInvalidAuthToken(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller stranger = Caller.withToken(cluster.channels().get(0), UNKNOWN_TOKEN);

    assertFails(() -> stranger.kv().put(PutRequest.newBuilder().setKey(Auth.bytes("k")).build()),
        Status.Code.UNAUTHENTICATED, INVALID_TOKEN);
  }

  @ConformanceTest
  void range_tokenNamingARaftIndexNotYetApplied_waitsForItUntilTheDeadline(
      ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller stranger = Caller.withToken(cluster.channels().get(0), "abcdefghijklmnop.999999999");
    long start = System.nanoTime();

    // Whichever ends the call first: the client's deadline, or the server's lookup giving up.
    assertThatThrownBy(() -> stranger.kv().withDeadlineAfter(1, TimeUnit.SECONDS)
        .range(range("k"))).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
            assertStatus(e, Status.Code.UNAUTHENTICATED, INVALID_TOKEN);
          }
        });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
  }

  @ConformanceTest
  void range_tokenUnderAuthorizationMetadata_isAccepted(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller alice = alice(cluster, Auth.enable(cluster)).viaAuthorization();

    assertThat(alice.kv().range(range("k")).getCount()).isZero();
    assertFails(() -> alice.kv().range(range("other")), Status.Code.PERMISSION_DENIED,
        "etcdserver: permission denied");
  }

  @ConformanceTest
  void token_afterPasswordChange_failsInvalidAuthToken(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);
    Caller alice = alice(cluster, root);

    root.auth().userChangePassword(AuthUserChangePasswordRequest.newBuilder().setName("alice")
        .setPassword("new").build());

    assertFails(() -> alice.kv().range(range("k")), Status.Code.UNAUTHENTICATED, INVALID_TOKEN);
    assertThat(root.kv().range(range("k")).getCount()).isZero();
  }

  @ConformanceTest
  void token_afterUserDelete_failsInvalidAuthToken(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);
    Caller alice = alice(cluster, root);

    root.auth().userDelete(AuthUserDeleteRequest.newBuilder().setName("alice").build());

    assertFails(() -> alice.kv().range(range("k")), Status.Code.UNAUTHENTICATED, INVALID_TOKEN);
  }

  @ConformanceTest
  void token_afterAuthDisable_failsInvalidAuthToken(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);

    root.auth().authDisable(AuthDisableRequest.getDefaultInstance());

    // Auth is off, yet the stale token is still looked up, and no longer found.
    assertFails(() -> root.kv().range(range("k")), Status.Code.UNAUTHENTICATED, INVALID_TOKEN);
    assertThat(Auth.anonymous(cluster).kv().range(range("k")).getCount()).isZero();
  }

  @ConformanceTest
  void simpleToken_idleLongerThanTheTtl_failsInvalidAuthToken(ClusterLauncher launcher)
      throws InterruptedException {
    PrivateCluster cluster = launcher.launch(Auth.options().authTokenTtl(TTL));
    Caller root = Auth.enable(cluster);
    assertThat(root.kv().range(range("k")).getCount()).isZero();

    // The TTL, plus the sweep's 1 s resolution, plus a margin.
    Thread.sleep(TTL.plusMillis(1_500).toMillis());

    assertFails(() -> root.kv().range(range("k")), Status.Code.UNAUTHENTICATED, INVALID_TOKEN);
  }

  @ConformanceTest
  void simpleToken_usedWithinEachTtl_outlivesIt(ClusterLauncher launcher)
      throws InterruptedException {
    PrivateCluster cluster = launcher.launch(Auth.options().authTokenTtl(TTL));
    Caller root = Auth.enable(cluster);

    // Each use restarts the TTL: 8 uses 500 ms apart span twice the TTL.
    for (int use = 0; use < 8; use++) {
      assertThat(root.kv().range(range("k")).getCount()).isZero();
      Thread.sleep(500);
    }

    assertThat(root.kv().range(range("k")).getCount()).isZero();
  }
}
