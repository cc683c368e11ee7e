package dev.fakeetcd.conformance.auth;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AuthDisableRequest;
import dev.fakeetcd.api.AuthEnableRequest;
import dev.fakeetcd.api.AuthRoleGetRequest;
import dev.fakeetcd.api.AuthUserGetRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;

/**
 * Turning auth on and off (etcd 3.4: {@code auth/store.go} {@code AuthEnable}, {@code AuthDisable};
 * the admin check of {@code etcdserver/apply_auth.go} runs before either).
 */
class AuthEnableConformanceTest {

  @ConformanceTest
  void authEnable_withoutRootUser_failsRootUserDoesNotExist(ClusterLauncher launcher) {
    Caller anonymous = Auth.anonymous(Auth.launch(launcher));

    assertFails(() -> anonymous.auth().authEnable(AuthEnableRequest.getDefaultInstance()),
        Status.Code.FAILED_PRECONDITION, "etcdserver: root user does not exist");
  }

  @ConformanceTest
  void authEnable_rootWithoutRootRole_failsRootUserDoesNotHaveRootRole(ClusterLauncher launcher) {
    Caller anonymous = Auth.anonymous(Auth.launch(launcher));
    Auth.addUser(anonymous, "root", Auth.ROOT_PASSWORD);

    assertFails(() -> anonymous.auth().authEnable(AuthEnableRequest.getDefaultInstance()),
        Status.Code.FAILED_PRECONDITION, "etcdserver: root user does not have root role");
  }

  @ConformanceTest
  void authEnable_twiceByAdmin_succeeds(ClusterLauncher launcher) {
    Caller root = Auth.enable(Auth.launch(launcher));

    assertThat(root.auth().authEnable(AuthEnableRequest.getDefaultInstance()).hasHeader())
        .isTrue();
  }

  @ConformanceTest
  void authEnable_withoutTokenWhileEnabled_failsUserNameIsEmpty(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Auth.enable(cluster);

    // The admin check comes before the "already enabled" no-op.
    assertFails(() -> Auth.anonymous(cluster).auth()
            .authEnable(AuthEnableRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT, "etcdserver: user name is empty");
  }

  @ConformanceTest
  void authDisable_whenDisabled_succeeds(ClusterLauncher launcher) {
    Caller anonymous = Auth.anonymous(Auth.launch(launcher));

    assertThat(anonymous.auth().authDisable(AuthDisableRequest.getDefaultInstance()).hasHeader())
        .isTrue();
  }

  @ConformanceTest
  void authDisable_byAdmin_letsCallsWithoutTokenThrough(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);
    Caller anonymous = Auth.anonymous(cluster);
    assertFails(() -> anonymous.kv().range(range("k")), Status.Code.INVALID_ARGUMENT,
        "etcdserver: user name is empty");

    root.auth().authDisable(AuthDisableRequest.getDefaultInstance());

    anonymous.kv().put(PutRequest.newBuilder().setKey(Auth.bytes("k")).build());
    assertThat(anonymous.kv().range(range("k")).getCount()).isEqualTo(1);
  }

  @ConformanceTest
  void userGrantRole_rootRoleThatWasNeverAdded_isGrantedButRoleGetFindsNoSuchRole(
      ClusterLauncher launcher) {
    Caller anonymous = Auth.anonymous(Auth.launch(launcher));

    Auth.addRootUser(anonymous);

    assertThat(anonymous.auth().userGet(AuthUserGetRequest.newBuilder().setName("root").build())
        .getRolesList()).containsExactly("root");
    assertFails(() -> anonymous.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("root")
            .build()),
        Status.Code.FAILED_PRECONDITION, "etcdserver: role name not found");
  }

  private static RangeRequest range(String key) {
    return RangeRequest.newBuilder().setKey(Auth.bytes(key)).build();
  }
}
