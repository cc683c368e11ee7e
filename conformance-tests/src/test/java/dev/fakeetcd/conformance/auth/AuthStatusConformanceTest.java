package dev.fakeetcd.conformance.auth;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AuthStatusRequest;
import dev.fakeetcd.api.AuthStatusResponse;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;

/**
 * Auth.AuthStatus: a deliberate divergence. etcd 3.4 does not have the RPC; the fake answers as
 * etcd 3.5 does ({@code enabled} and the auth revision, admin-only while auth is on).
 */
class AuthStatusConformanceTest {

  private static final String UNKNOWN_METHOD =
      "unknown method AuthStatus for service etcdserverpb.Auth";

  private static boolean fake(PrivateCluster cluster) {
    return cluster.name().startsWith("fake");
  }

  @ConformanceTest
  void authStatus_authOn_isUnknownTo34AndShowsEnabledOnTheFake(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);

    if (fake(cluster)) {
      AuthStatusResponse before = root.auth().authStatus(AuthStatusRequest.getDefaultInstance());
      Auth.addRole(root, "reader");
      AuthStatusResponse after = root.auth().authStatus(AuthStatusRequest.getDefaultInstance());

      assertThat(before.getEnabled()).isTrue();
      assertThat(before.getAuthRevision()).isPositive();
      assertThat(after.getAuthRevision()).isEqualTo(before.getAuthRevision() + 1);
      assertThat(after.getHeader().getRevision()).isPositive();
    } else {
      assertFails(() -> root.auth().authStatus(AuthStatusRequest.getDefaultInstance()),
          Status.Code.UNIMPLEMENTED, UNKNOWN_METHOD);
    }
  }

  @ConformanceTest
  void authStatus_authOff_isUnknownTo34AndShowsDisabledOnTheFake(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller anonymous = Auth.anonymous(cluster);

    if (fake(cluster)) {
      assertThat(anonymous.auth().authStatus(AuthStatusRequest.getDefaultInstance()).getEnabled())
          .isFalse();
    } else {
      assertFails(() -> anonymous.auth().authStatus(AuthStatusRequest.getDefaultInstance()),
          Status.Code.UNIMPLEMENTED, UNKNOWN_METHOD);
    }
  }
}
