package dev.fakeetcd;

import static dev.fakeetcd.Clusters.assertFails;
import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.follower;
import static dev.fakeetcd.Clusters.put;
import static dev.fakeetcd.Clusters.serializableGet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import dev.fakeetcd.api.AuthGrpc;
import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.AuthStatusRequest;
import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.AuthUserListRequest;
import dev.fakeetcd.api.AuthenticateRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.SnapshotRequest;
import dev.fakeetcd.api.SnapshotResponse;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth through the front door and on the simulation: a cluster set up with users in one builder
 * call, tokens on the virtual clock, expiring them as a fault, and tokens met on members that
 * have not applied them yet. What etcd answers is pinned by the auth conformance tests.
 */
class EtcdClusterAuthTest {

  private static final Metadata.Key<String> TOKEN =
      Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  private static ClusterConfig.Builder withAlice(int members) {
    return ClusterConfig.builder().members(members).seed(3).bcryptCost(4)
        .auth(AuthSetup.withRootPassword("rootpw")
            .role("app").grantPrefix("app", Permission.Type.READWRITE, "/app/")
            .user("alice", "alicepw", "app"));
  }

  private String login(EtcdCluster cluster, Member member, String user, String password) {
    return AuthGrpc.newBlockingStub(clusters.channel(cluster, member))
        .authenticate(AuthenticateRequest.newBuilder().setName(user).setPassword(password)
            .build()).getToken();
  }

  private Channel as(EtcdCluster cluster, Member member, String token) {
    Metadata headers = new Metadata();
    headers.put(TOKEN, token);
    return ClientInterceptors.intercept(clusters.channel(cluster, member),
        MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void newCluster_withAuthSetup_enforcesTheUsersPermissions() {
    EtcdCluster cluster = clusters.start(withAlice(3).build());
    Member leader = cluster.leader().orElseThrow();
    KVGrpc.KVBlockingStub alice = KVGrpc.newBlockingStub(
        as(cluster, leader, login(cluster, leader, "alice", "alicepw")));

    alice.put(put("/app/k", "v"));

    assertThat(alice.range(serializableGet("/app/k")).getKvs(0).getValue()).isEqualTo(bytes("v"));
    assertFails(EtcdError.PERMISSION_DENIED, () -> alice.put(put("/other", "v")));
    assertFails(EtcdError.USER_EMPTY, () -> clusters.kv(cluster, leader).put(put("/app/k", "v")));
  }

  @Test
  void newCluster_withAuthSetup_rootManagesUsers() {
    EtcdCluster cluster = clusters.start(withAlice(1).build());
    Member leader = cluster.leader().orElseThrow();
    AuthGrpc.AuthBlockingStub root = AuthGrpc.newBlockingStub(
        as(cluster, leader, login(cluster, leader, "root", "rootpw")));

    assertThat(root.userList(AuthUserListRequest.getDefaultInstance()).getUsersList())
        .containsExactly("alice", "root");
    assertThat(root.authStatus(AuthStatusRequest.getDefaultInstance()).getEnabled()).isTrue();
  }

  @Test
  void newCluster_userWithoutPassword_cannotAuthenticateWithOne() {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(1).seed(3).bcryptCost(4)
        .auth(AuthSetup.withRootPassword("rootpw").userWithoutPassword("bob")).build());
    Member leader = cluster.leader().orElseThrow();

    assertFails(EtcdError.AUTH_NO_PASSWORD_USER, () -> login(cluster, leader, "bob", "any"));
  }

  @Test
  void userAdd_nameLongerThanEtcdsBackendTakes_isStored() {
    EtcdCluster cluster = clusters.start(withAlice(1).build());
    Member leader = cluster.leader().orElseThrow();
    AuthGrpc.AuthBlockingStub root = AuthGrpc.newBlockingStub(
        as(cluster, leader, login(cluster, leader, "root", "rootpw")));
    String longName = "u".repeat(40_000);

    root.userAdd(AuthUserAddRequest.newBuilder().setName(longName).setPassword("pw").build());

    assertThat(root.userList(AuthUserListRequest.getDefaultInstance()).getUsersList())
        .contains(longName);
  }

  @Test
  void roleGrantPermission_withoutAPermission_failsPermissionNotGiven() {
    EtcdCluster cluster = clusters.start(withAlice(1).build());
    Member leader = cluster.leader().orElseThrow();
    AuthGrpc.AuthBlockingStub root = AuthGrpc.newBlockingStub(
        as(cluster, leader, login(cluster, leader, "root", "rootpw")));

    assertFails(EtcdError.PERMISSION_NOT_GIVEN, () -> root.roleGrantPermission(
        AuthRoleGrantPermissionRequest.newBuilder().setName("app").build()));
  }

  @Test
  void newCluster_withARefusedAuthSetup_failsNamingEtcdsError() {
    ClusterConfig config = ClusterConfig.builder().members(1).bcryptCost(4)
        .auth(AuthSetup.withRootPassword("pw").user("bob", "pw", "nosuchrole")).build();

    assertThatThrownBy(() -> FakeEtcd.newCluster(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("etcdserver: role name not found");
  }

  @Test
  void simpleToken_idleLongerThanItsTtl_isInvalid() {
    EtcdCluster cluster = clusters.start(withAlice(1).authTokenTtl(Duration.ofSeconds(10))
        .build());
    Member leader = cluster.leader().orElseThrow();
    KVGrpc.KVBlockingStub alice = KVGrpc.newBlockingStub(
        as(cluster, leader, login(cluster, leader, "alice", "alicepw")));

    cluster.clock().advance(Duration.ofSeconds(9));
    alice.range(serializableGet("/app/k")); // a use slides the TTL
    cluster.clock().advance(Duration.ofSeconds(9));
    alice.range(serializableGet("/app/k"));
    cluster.clock().advance(Duration.ofSeconds(11));

    assertFails(EtcdError.INVALID_AUTH_TOKEN, () -> alice.range(serializableGet("/app/k")));
  }

  @Test
  void authTokensExpireNow_everyMembersTokensStopWorking() {
    EtcdCluster cluster = clusters.start(withAlice(3).build());
    Member leader = cluster.leader().orElseThrow();
    String token = login(cluster, leader, "alice", "alicepw");

    cluster.authTokens().expireNow();

    for (Member m : cluster.members()) {
      assertFails(EtcdError.INVALID_AUTH_TOKEN,
          () -> KVGrpc.newBlockingStub(as(cluster, m, token)).range(serializableGet("/app/k")));
    }
    assertThat(login(cluster, leader, "alice", "alicepw")).isNotEqualTo(token);
  }

  @Test
  void token_onAMemberThatHasNotAppliedIt_waitsForTheEntryThatMadeIt() throws Exception {
    EtcdCluster cluster = clusters.start(withAlice(3).clockMode(VirtualClock.Mode.MANUAL)
        .build());
    Member leader = cluster.leader().orElseThrow();
    Member behind = follower(cluster);
    cluster.network().isolate(behind);
    String token = login(cluster, leader, "alice", "alicepw");

    ListenableFuture<RangeResponse> read = KVGrpc.newFutureStub(as(cluster, behind, token))
        .range(serializableGet("/app/k"));
    assertThat(read.isDone()).isFalse();
    cluster.network().heal();
    cluster.clock().advance(Duration.ofSeconds(1));

    assertThat(read.get(10, TimeUnit.SECONDS).getCount()).isZero();
  }

  @Test
  void token_namingAnEntryNeverApplied_waitsAsLongAsTheClient() {
    EtcdCluster cluster = clusters.start(withAlice(1).clockMode(VirtualClock.Mode.MANUAL)
        .build());
    Member member = cluster.leader().orElseThrow();

    ListenableFuture<RangeResponse> read = KVGrpc.newFutureStub(
        as(cluster, member, "abcdefghijklmnop.999999")).range(serializableGet("/app/k"));
    cluster.clock().advance(Duration.ofMinutes(1));

    assertThat(read.isDone()).isFalse();
    read.cancel(true);
  }

  @Test
  void authenticate_sameSeed_sameToken() {
    String first = firstToken();
    String second = firstToken();

    assertThat(first).isEqualTo(second).matches("[a-zA-Z]{16}\\.\\d+");
  }

  private String firstToken() {
    EtcdCluster cluster = clusters.start(withAlice(3).build());
    Member leader = cluster.leader().orElseThrow();
    return login(cluster, leader, "alice", "alicepw");
  }

  @Test
  void leaseExpiry_withAuthOn_revokesTheLeaseAndItsKeysAsRoot() {
    EtcdCluster cluster = clusters.start(withAlice(1).clockMode(VirtualClock.Mode.MANUAL)
        .build());
    Member leader = cluster.leader().orElseThrow();
    Channel alice = as(cluster, leader, login(cluster, leader, "alice", "alicepw"));
    long lease = LeaseGrpc.newBlockingStub(alice)
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(5).build()).getID();
    KVGrpc.newBlockingStub(alice).put(PutRequest.newBuilder().setKey(bytes("/app/k"))
        .setValue(bytes("v")).setLease(lease).build());

    cluster.clock().advance(Duration.ofSeconds(7));

    assertThat(cluster.leases().list()).isEmpty();
    assertThat(KVGrpc.newBlockingStub(alice).range(serializableGet("/app/k")).getCount()).isZero();
  }

  @Test
  void restoreFrom_aSnapshotOfAnAuthCluster_keepsUsersRolesAndAuthOn(@TempDir Path dir)
      throws IOException {
    EtcdCluster cluster = clusters.start(withAlice(1).build());
    Member leader = cluster.leader().orElseThrow();
    Channel root = as(cluster, leader, login(cluster, leader, "root", "rootpw"));
    Path file = dir.resolve("auth.db");
    try (OutputStream out = Files.newOutputStream(file)) {
      Iterator<SnapshotResponse> chunks = MaintenanceGrpc.newBlockingStub(root)
          .snapshot(SnapshotRequest.getDefaultInstance());
      while (chunks.hasNext()) {
        out.write(chunks.next().getBlob().toByteArray());
      }
    }

    EtcdCluster restored = clusters.start(ClusterConfig.builder().members(1).seed(4)
        .bcryptCost(4).restoreFrom(file).build());
    Member member = restored.leader().orElseThrow();
    KVGrpc.KVBlockingStub alice = KVGrpc.newBlockingStub(
        as(restored, member, login(restored, member, "alice", "alicepw")));

    alice.put(put("/app/k", "v"));
    assertFails(EtcdError.PERMISSION_DENIED, () -> alice.put(put("/other", "v")));
  }
}
