package dev.fakeetcd.conformance.auth;

import static dev.fakeetcd.api.Permission.Type.READ;
import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.auth.Auth.permission;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AuthDisableRequest;
import dev.fakeetcd.api.AuthEnableRequest;
import dev.fakeetcd.api.AuthRoleAddRequest;
import dev.fakeetcd.api.AuthRoleDeleteRequest;
import dev.fakeetcd.api.AuthRoleGetRequest;
import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.AuthRoleListRequest;
import dev.fakeetcd.api.AuthRoleRevokePermissionRequest;
import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.AuthUserChangePasswordRequest;
import dev.fakeetcd.api.AuthUserDeleteRequest;
import dev.fakeetcd.api.AuthUserGetRequest;
import dev.fakeetcd.api.AuthUserGrantRoleRequest;
import dev.fakeetcd.api.AuthUserListRequest;
import dev.fakeetcd.api.AuthUserRevokeRoleRequest;
import dev.fakeetcd.api.AuthenticateRequest;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DefragmentRequest;
import dev.fakeetcd.api.HashKVRequest;
import dev.fakeetcd.api.HashRequest;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseLeasesRequest;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.LeaseTimeToLiveRequest;
import dev.fakeetcd.api.Member;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberPromoteRequest;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.api.MemberUpdateRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.SnapshotRequest;
import dev.fakeetcd.api.SnapshotResponse;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;
import java.util.Iterator;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Calls only role root may make, and those left open to anyone, auth on. Auth management is checked
 * when applied ({@code etcdserver/apply_auth.go}), membership changes before proposing
 * ({@code etcdserver/server.go} {@code checkMembershipOperationPermission}), maintenance in its
 * gRPC layer ({@code v3rpc/maintenance.go} {@code authMaintenanceServer}), whose auth errors are
 * not mapped and reach the client as code 2 with the auth package's text.
 */
class AdminOnlyConformanceTest {

  private static final String DENIED = "etcdserver: permission denied";
  private static final String USER_EMPTY = "etcdserver: user name is empty";

  private record Setup(PrivateCluster cluster, Caller root, Caller alice) {}

  private static Setup setup(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);
    return new Setup(cluster, root, Auth.user(cluster, root, "alice", permission(READ, "k", "")));
  }

  /** Every auth management call but the Get ones, on objects that exist. */
  private static List<ThrowingCallable> management(Caller caller) {
    return List.of(
        () -> caller.auth().authEnable(AuthEnableRequest.getDefaultInstance()),
        () -> caller.auth().authDisable(AuthDisableRequest.getDefaultInstance()),
        () -> caller.auth().userAdd(AuthUserAddRequest.newBuilder().setName("bob")
            .setPassword("pw").build()),
        () -> caller.auth().userDelete(AuthUserDeleteRequest.newBuilder().setName("alice")
            .build()),
        () -> caller.auth().userChangePassword(AuthUserChangePasswordRequest.newBuilder()
            .setName("alice").setPassword("new").build()),
        () -> caller.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("alice")
            .setRole("root").build()),
        () -> caller.auth().userRevokeRole(AuthUserRevokeRoleRequest.newBuilder()
            .setName("alice").setRole("alice").build()),
        () -> caller.auth().userList(AuthUserListRequest.getDefaultInstance()),
        () -> caller.auth().roleAdd(AuthRoleAddRequest.newBuilder().setName("writer").build()),
        () -> caller.auth().roleDelete(AuthRoleDeleteRequest.newBuilder().setRole("alice")
            .build()),
        () -> caller.auth().roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder()
            .setName("alice").setPerm(permission(READ, "j", "")).build()),
        () -> caller.auth().roleRevokePermission(AuthRoleRevokePermissionRequest.newBuilder()
            .setRole("alice").setKey(Auth.bytes("k")).build()),
        () -> caller.auth().roleList(AuthRoleListRequest.getDefaultInstance()));
  }

  private static long memberId(Caller caller) {
    return caller.maintenance().status(StatusRequest.getDefaultInstance()).getHeader()
        .getMemberId();
  }

  /** Every membership change, on member 0 with its own URLs, so none would fail for its input. */
  private static List<ThrowingCallable> membership(Setup s, Caller caller) {
    long id = memberId(s.root());
    Member self = s.root().cluster().memberList(MemberListRequest.getDefaultInstance())
        .getMembersList().stream().filter(m -> m.getID() == id).findFirst().orElseThrow();
    return List.of(
        () -> caller.cluster().memberAdd(MemberAddRequest.newBuilder()
            .addPeerURLs(s.cluster().newPeerUrl()).setIsLearner(true).build()),
        () -> caller.cluster().memberRemove(MemberRemoveRequest.newBuilder().setID(id).build()),
        () -> caller.cluster().memberUpdate(MemberUpdateRequest.newBuilder().setID(id)
            .addAllPeerURLs(self.getPeerURLsList()).build()),
        () -> caller.cluster().memberPromote(MemberPromoteRequest.newBuilder().setID(id)
            .build()));
  }

  private static List<ThrowingCallable> maintenance(Caller caller) {
    return List.of(
        () -> caller.maintenance().defragment(DefragmentRequest.getDefaultInstance()),
        () -> caller.maintenance().hash(HashRequest.getDefaultInstance()),
        () -> caller.maintenance().hashKV(HashKVRequest.getDefaultInstance()),
        () -> caller.maintenance().snapshot(SnapshotRequest.getDefaultInstance()).hasNext());
  }

  private static void assertAllFail(List<ThrowingCallable> calls, Status.Code code,
      String description) {
    assertThat(calls).allSatisfy(call -> assertFails(call, code, description));
  }

  @ConformanceTest
  void authManagement_byNonRootUser_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertAllFail(management(s.alice()), Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void authManagement_withoutToken_failsUserNameIsEmpty(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertAllFail(management(Auth.anonymous(s.cluster())), Status.Code.INVALID_ARGUMENT,
        USER_EMPTY);
  }

  @ConformanceTest
  void userGet_ownUser_isServed(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertThat(s.alice().auth().userGet(AuthUserGetRequest.newBuilder().setName("alice")
        .build()).getRolesList()).containsExactly("alice");
  }

  @ConformanceTest
  void userGet_otherUser_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertFails(() -> s.alice().auth().userGet(AuthUserGetRequest.newBuilder().setName("root")
        .build()), Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void roleGet_roleTheCallerHolds_isServed(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertThat(s.alice().auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("alice")
        .build()).getPermList()).containsExactly(permission(READ, "k", ""));
  }

  @ConformanceTest
  void roleGet_roleTheCallerDoesNotHold_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = setup(launcher);
    Auth.addRole(s.root(), "other");

    assertFails(() -> s.alice().auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("other")
        .build()), Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void membershipChanges_byNonRootUser_failPermissionDenied(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertAllFail(membership(s, s.alice()), Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void membershipChanges_withoutToken_failUserNameIsEmpty(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertAllFail(membership(s, Auth.anonymous(s.cluster())), Status.Code.INVALID_ARGUMENT,
        USER_EMPTY);
  }

  @ConformanceTest
  void memberAdd_unparsableUrlByNonRootUser_failsOnTheUrlFirst(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertFails(() -> s.alice().cluster().memberAdd(MemberAddRequest.newBuilder()
            .addPeerURLs("bogus").build()),
        Status.Code.INVALID_ARGUMENT, "etcdserver: given member URLs are invalid");
  }

  @ConformanceTest
  void maintenance_byNonRootUser_failsUnknownAuthPermissionDenied(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertAllFail(maintenance(s.alice()), Status.Code.UNKNOWN, "auth: permission denied");
  }

  @ConformanceTest
  void maintenance_withoutToken_failsUnknownAuthUserNameIsEmpty(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertAllFail(maintenance(Auth.anonymous(s.cluster())), Status.Code.UNKNOWN,
        "auth: user name is empty");
  }

  @ConformanceTest
  void maintenance_unknownToken_failsUnknownAuthInvalidAuthToken(ClusterLauncher launcher) {
    Setup s = setup(launcher);
    Caller stranger = Caller.withToken(s.cluster().channels().get(0), "abcdefghijklmnop.1");

    assertAllFail(maintenance(stranger), Status.Code.UNKNOWN, "auth: invalid auth token");
  }

  @ConformanceTest
  void maintenance_byRoot_isServed(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    s.root().maintenance().defragment(DefragmentRequest.getDefaultInstance());

    assertThat(s.root().maintenance().hashKV(HashKVRequest.getDefaultInstance()).getHash())
        .isNotZero();
    long snapshotBytes = 0;
    for (Iterator<SnapshotResponse> chunks = s.root().maintenance()
        .snapshot(SnapshotRequest.getDefaultInstance()); chunks.hasNext(); ) {
      snapshotBytes += chunks.next().getBlob().size();
    }
    assertThat(snapshotBytes).isPositive();
  }

  @ConformanceTest
  void statusAndMemberList_withoutToken_areServed(ClusterLauncher launcher) {
    Setup s = setup(launcher);
    Caller anonymous = Auth.anonymous(s.cluster());

    assertThat(anonymous.maintenance().status(StatusRequest.getDefaultInstance()).getVersion())
        .isEqualTo("3.4.23");
    assertThat(anonymous.cluster().memberList(MemberListRequest.getDefaultInstance())
        .getMembersCount()).isEqualTo(s.cluster().memberCount());
  }

  @ConformanceTest
  void alarmGet_withoutToken_isServed(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertThat(Auth.anonymous(s.cluster()).maintenance().alarm(AlarmRequest.newBuilder()
        .setAction(AlarmRequest.AlarmAction.GET).build()).getAlarmsList()).isEmpty();
  }

  @ConformanceTest
  void leaseCalls_withoutToken_areServed(ClusterLauncher launcher) {
    Setup s = setup(launcher);
    Caller anonymous = Auth.anonymous(s.cluster());

    long id = anonymous.lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build())
        .getID();

    assertThat(anonymous.lease().leaseLeases(LeaseLeasesRequest.getDefaultInstance())
        .getLeasesList()).anySatisfy(lease -> assertThat(lease.getID()).isEqualTo(id));
    assertThat(anonymous.lease().leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id)
        .build()).getGrantedTTL()).isEqualTo(60);
    // Revoking is checked (the lease's keys), but an empty lease needs no permission.
    anonymous.lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
  }

  @ConformanceTest
  void compact_withoutToken_isServed(ClusterLauncher launcher) {
    Setup s = setup(launcher);
    long revision = s.root().kv().put(PutRequest.newBuilder().setKey(Auth.bytes("k")).build())
        .getHeader().getRevision();

    assertThat(Auth.anonymous(s.cluster()).kv().compact(CompactionRequest.newBuilder()
        .setRevision(revision).build()).getHeader().getRevision()).isEqualTo(revision);
  }

  @ConformanceTest
  void authenticate_withoutToken_isServed(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertThat(Auth.anonymous(s.cluster()).auth().authenticate(AuthenticateRequest.newBuilder()
        .setName("alice").setPassword("alice-pw").build()).getToken()).isNotEmpty();
  }
}
