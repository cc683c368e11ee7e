package dev.fakeetcd.conformance.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AuthRoleDeleteRequest;
import dev.fakeetcd.api.AuthRoleListRequest;
import dev.fakeetcd.api.AuthUserChangePasswordRequest;
import dev.fakeetcd.api.AuthUserDeleteRequest;
import dev.fakeetcd.api.AuthUserGetRequest;
import dev.fakeetcd.api.AuthenticateRequest;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.StatusResponse;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import java.util.List;

/**
 * Auth state lives beside the key space: changing it does not move the KV revision, and every auth
 * response carries the member's full header at the current KV revision (etcd 3.4:
 * {@code etcdserver/api/v3rpc/auth.go} fills each header).
 */
class AuthHeaderConformanceTest {

  private static long put(Caller caller, String key) {
    return caller.kv().put(PutRequest.newBuilder().setKey(Auth.bytes(key)).build()).getHeader()
        .getRevision();
  }

  @ConformanceTest
  void authChanges_leaveTheKvRevisionUnchanged(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);
    long revision = put(root, "k");

    Auth.addUser(root, "alice", "pw");
    Auth.addRole(root, "reader");
    Auth.grant(root, "reader", Permission.Type.READ, "k", "");
    Auth.grantRole(root, "alice", "reader");
    root.auth().userChangePassword(AuthUserChangePasswordRequest.newBuilder().setName("alice")
        .setPassword("new").build());
    Auth.authenticate(cluster.channels().get(0), "alice", "new");
    root.auth().roleDelete(AuthRoleDeleteRequest.newBuilder().setRole("reader").build());
    root.auth().userDelete(AuthUserDeleteRequest.newBuilder().setName("alice").build());

    assertThat(root.kv().range(RangeRequest.newBuilder().setKey(Auth.bytes("k")).build())
        .getHeader().getRevision()).isEqualTo(revision);
    assertThat(put(root, "k")).isEqualTo(revision + 1);
  }

  @ConformanceTest
  void authResponses_carryTheMembersFullHeaderAtTheCurrentKvRevision(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);
    long revision = put(root, "k");
    StatusResponse status = root.maintenance().status(StatusRequest.getDefaultInstance());

    List<ResponseHeader> headers = List.of(
        root.auth().userGet(AuthUserGetRequest.newBuilder().setName("root").build()).getHeader(),
        root.auth().roleList(AuthRoleListRequest.getDefaultInstance()).getHeader(),
        root.auth().userChangePassword(AuthUserChangePasswordRequest.newBuilder().setName("root")
            .setPassword(Auth.ROOT_PASSWORD).build()).getHeader(),
        Auth.anonymous(cluster).auth().authenticate(AuthenticateRequest.newBuilder()
            .setName("root").setPassword(Auth.ROOT_PASSWORD).build()).getHeader());

    assertThat(headers).allSatisfy(header -> {
      assertThat(header.getRevision()).isEqualTo(revision);
      assertThat(header.getClusterId()).isEqualTo(status.getHeader().getClusterId());
      assertThat(header.getMemberId()).isEqualTo(status.getHeader().getMemberId());
      assertThat(header.getRaftTerm()).isEqualTo(status.getRaftTerm());
    });
  }
}
