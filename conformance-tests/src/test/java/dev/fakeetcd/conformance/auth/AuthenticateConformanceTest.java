package dev.fakeetcd.conformance.auth;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.AuthenticateRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.UserAddOptions;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;

/**
 * Authenticate (etcd 3.4: {@code etcdserver/v3_server.go} checks the password before proposing,
 * {@code auth/store.go} {@code CheckPassword}; simple tokens from {@code auth/simple_token.go}).
 */
class AuthenticateConformanceTest {

  private static final String AUTH_FAILED =
      "etcdserver: authentication failed, invalid user ID or password";

  private static AuthenticateRequest request(String name, String password) {
    return AuthenticateRequest.newBuilder().setName(name).setPassword(password).build();
  }

  @ConformanceTest
  void authenticate_authDisabled_failsNotEnabled(ClusterLauncher launcher) {
    Caller anonymous = Auth.anonymous(Auth.launch(launcher));
    Auth.addRootUser(anonymous);

    assertFails(() -> anonymous.auth().authenticate(request("root", Auth.ROOT_PASSWORD)),
        Status.Code.FAILED_PRECONDITION, "etcdserver: authentication is not enabled");
  }

  @ConformanceTest
  void authenticate_wrongPassword_failsAuthenticationFailed(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Auth.enable(cluster);

    assertFails(() -> Auth.anonymous(cluster).auth().authenticate(request("root", "wrong")),
        Status.Code.INVALID_ARGUMENT, AUTH_FAILED);
  }

  @ConformanceTest
  void authenticate_unknownUser_failsLikeAWrongPassword(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Auth.enable(cluster);

    assertFails(() -> Auth.anonymous(cluster).auth().authenticate(request("nobody", "pw")),
        Status.Code.INVALID_ARGUMENT, AUTH_FAILED);
  }

  @ConformanceTest
  void authenticate_noPasswordUser_failsUnknownWithAuthPackageText(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);
    root.auth().userAdd(AuthUserAddRequest.newBuilder().setName("cert-only")
        .setOptions(UserAddOptions.newBuilder().setNoPassword(true)).build());

    // auth.ErrNoPasswordUser is missing from v3rpc's error map: it leaks out as code 2.
    assertFails(() -> Auth.anonymous(cluster).auth().authenticate(request("cert-only", "")),
        Status.Code.UNKNOWN,
        "auth: authentication failed, password was given for no password user");
  }

  @ConformanceTest
  void authenticate_userWithEmptyPassword_succeedsWithTheEmptyPassword(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);
    Auth.addUser(root, "blank", "");

    String token = Auth.authenticate(cluster.channels().get(0), "blank", "");

    assertThat(token).isNotEmpty();
  }

  @ConformanceTest
  void authenticate_simpleToken_isSixteenLettersDotRaftIndex(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Auth.enable(cluster);

    String token = Auth.authenticate(cluster.channels().get(0), "root", Auth.ROOT_PASSWORD);

    assertThat(token).matches("^[a-zA-Z]{16}\\.\\d+$");
  }

  @ConformanceTest
  void authenticate_token_isAcceptedByEveryMember(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Auth.enable(cluster);
    String token = Auth.authenticate(cluster.channels().get(0), "root", Auth.ROOT_PASSWORD);

    // Authenticate goes through Raft: each member files the token when it applies the entry.
    for (var channel : cluster.channels()) {
      assertThat(Caller.withToken(channel, token).kv().range(RangeRequest.newBuilder()
          .setKey(Auth.bytes("k")).build()).getCount()).isZero();
    }
  }
}
