package dev.fakeetcd.conformance.auth;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AuthRoleAddRequest;
import dev.fakeetcd.api.AuthRoleDeleteRequest;
import dev.fakeetcd.api.AuthRoleGetRequest;
import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.AuthRoleListRequest;
import dev.fakeetcd.api.AuthRoleRevokePermissionRequest;
import dev.fakeetcd.api.AuthUserChangePasswordRequest;
import dev.fakeetcd.api.AuthUserDeleteRequest;
import dev.fakeetcd.api.AuthUserGetRequest;
import dev.fakeetcd.api.AuthUserListRequest;
import dev.fakeetcd.api.AuthUserRevokeRoleRequest;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import io.grpc.Status;

/**
 * Users, roles and permissions (etcd 3.4: {@code auth/store.go}), managed by root with auth on.
 */
class AuthManagementConformanceTest {

  private static final String USER_NOT_FOUND = "etcdserver: user name not found";
  private static final String ROLE_NOT_FOUND = "etcdserver: role name not found";
  private static final String INVALID_MANAGEMENT = "etcdserver: invalid auth management";

  private static Caller root(ClusterLauncher launcher) {
    return Auth.enable(Auth.launch(launcher));
  }

  private static AuthRoleGetRequest roleGet(String role) {
    return AuthRoleGetRequest.newBuilder().setRole(role).build();
  }

  private static AuthUserGetRequest userGet(String name) {
    return AuthUserGetRequest.newBuilder().setName(name).build();
  }

  private static AuthRoleRevokePermissionRequest revoke(String role, String key,
      String rangeEnd) {
    return AuthRoleRevokePermissionRequest.newBuilder().setRole(role).setKey(Auth.bytes(key))
        .setRangeEnd(Auth.bytes(rangeEnd)).build();
  }

  @ConformanceTest
  void userAdd_existingName_failsUserNameAlreadyExists(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addUser(root, "alice", "pw");

    assertFails(() -> Auth.addUser(root, "alice", "other"), Status.Code.FAILED_PRECONDITION,
        "etcdserver: user name already exists");
  }

  @ConformanceTest
  void roleAdd_existingName_failsRoleNameAlreadyExists(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addRole(root, "reader");

    assertFails(() -> Auth.addRole(root, "reader"), Status.Code.FAILED_PRECONDITION,
        "etcdserver: role name already exists");
  }

  @ConformanceTest
  void userGet_unknownUser_failsUserNameNotFound(ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> root.auth().userGet(userGet("nobody")), Status.Code.FAILED_PRECONDITION,
        USER_NOT_FOUND);
  }

  @ConformanceTest
  void userDelete_unknownUser_failsUserNameNotFound(ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> root.auth().userDelete(AuthUserDeleteRequest.newBuilder()
        .setName("nobody").build()), Status.Code.FAILED_PRECONDITION, USER_NOT_FOUND);
  }

  @ConformanceTest
  void userChangePassword_unknownUser_failsUserNameNotFound(ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> root.auth().userChangePassword(AuthUserChangePasswordRequest.newBuilder()
        .setName("nobody").setPassword("pw").build()), Status.Code.FAILED_PRECONDITION,
        USER_NOT_FOUND);
  }

  @ConformanceTest
  void roleGet_unknownRole_failsRoleNameNotFound(ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> root.auth().roleGet(roleGet("nothing")), Status.Code.FAILED_PRECONDITION,
        ROLE_NOT_FOUND);
  }

  @ConformanceTest
  void roleDelete_unknownRole_failsRoleNameNotFound(ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> root.auth().roleDelete(AuthRoleDeleteRequest.newBuilder().setRole("nothing")
        .build()), Status.Code.FAILED_PRECONDITION, ROLE_NOT_FOUND);
  }

  @ConformanceTest
  void roleGrantPermission_unknownRole_failsRoleNameNotFound(ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> Auth.grant(root, "nothing", Permission.Type.READ, "k", ""),
        Status.Code.FAILED_PRECONDITION, ROLE_NOT_FOUND);
  }

  @ConformanceTest
  void userGrantRole_unknownRole_failsRoleNameNotFound(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addUser(root, "alice", "pw");

    assertFails(() -> Auth.grantRole(root, "alice", "nothing"), Status.Code.FAILED_PRECONDITION,
        ROLE_NOT_FOUND);
  }

  @ConformanceTest
  void userGrantRole_unknownUser_failsUserNameNotFound(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addRole(root, "reader");

    assertFails(() -> Auth.grantRole(root, "nobody", "reader"), Status.Code.FAILED_PRECONDITION,
        USER_NOT_FOUND);
  }

  @ConformanceTest
  void userGrantRole_roleAlreadyHeld_succeedsWithoutListingItTwice(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addUser(root, "alice", "pw");
    Auth.addRole(root, "reader");
    Auth.grantRole(root, "alice", "reader");

    Auth.grantRole(root, "alice", "reader");

    assertThat(root.auth().userGet(userGet("alice")).getRolesList()).containsExactly("reader");
  }

  @ConformanceTest
  void userRevokeRole_roleNotHeld_failsRoleIsNotGranted(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addUser(root, "alice", "pw");
    Auth.addRole(root, "reader");

    assertFails(() -> root.auth().userRevokeRole(AuthUserRevokeRoleRequest.newBuilder()
            .setName("alice").setRole("reader").build()),
        Status.Code.FAILED_PRECONDITION, "etcdserver: role is not granted to the user");
  }

  @ConformanceTest
  void roleRevokePermission_rangeEndNotMatching_failsPermissionIsNotGranted(
      ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addRole(root, "reader");
    Auth.grant(root, "reader", Permission.Type.READ, "a", "c");

    // Revoking needs the exact key and range end, not a covered sub-range.
    assertFails(() -> root.auth().roleRevokePermission(revoke("reader", "a", "b")),
        Status.Code.FAILED_PRECONDITION, "etcdserver: permission is not granted to the role");
  }

  @ConformanceTest
  void roleRevokePermission_exactKeyAndRangeEnd_removesIt(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addRole(root, "reader");
    Auth.grant(root, "reader", Permission.Type.READ, "a", "c");

    root.auth().roleRevokePermission(revoke("reader", "a", "c"));

    assertThat(root.auth().roleGet(roleGet("reader")).getPermList()).isEmpty();
  }

  @ConformanceTest
  void userDelete_rootWhileEnabled_failsInvalidAuthManagement(ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> root.auth().userDelete(AuthUserDeleteRequest.newBuilder().setName("root")
        .build()), Status.Code.INVALID_ARGUMENT, INVALID_MANAGEMENT);
  }

  @ConformanceTest
  void roleDelete_rootWhileEnabled_failsInvalidAuthManagement(ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> root.auth().roleDelete(AuthRoleDeleteRequest.newBuilder().setRole("root")
        .build()), Status.Code.INVALID_ARGUMENT, INVALID_MANAGEMENT);
  }

  @ConformanceTest
  void userRevokeRole_rootFromRootWhileEnabled_failsInvalidAuthManagement(
      ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> root.auth().userRevokeRole(AuthUserRevokeRoleRequest.newBuilder()
            .setName("root").setRole("root").build()),
        Status.Code.INVALID_ARGUMENT, INVALID_MANAGEMENT);
  }

  @ConformanceTest
  void userAdd_emptyName_failsUserNameIsEmpty(ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> Auth.addUser(root, "", "pw"), Status.Code.INVALID_ARGUMENT,
        "etcdserver: user name is empty");
  }

  @ConformanceTest
  void roleAdd_emptyName_failsRoleNameIsEmpty(ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> Auth.addRole(root, ""), Status.Code.INVALID_ARGUMENT,
        "etcdserver: role name is empty");
  }

  @ConformanceTest
  void roleDelete_removesTheRoleFromEveryUserHoldingIt(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addRole(root, "reader");
    Auth.addRole(root, "writer");
    Auth.addUser(root, "alice", "pw");
    Auth.grantRole(root, "alice", "reader");
    Auth.grantRole(root, "alice", "writer");

    root.auth().roleDelete(AuthRoleDeleteRequest.newBuilder().setRole("reader").build());

    assertThat(root.auth().userGet(userGet("alice")).getRolesList()).containsExactly("writer");
  }

  @ConformanceTest
  void roleGrantPermission_sameKeyAndRangeEnd_replacesTheType(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addRole(root, "r");
    Auth.grant(root, "r", Permission.Type.READ, "a", "c");

    Auth.grant(root, "r", Permission.Type.WRITE, "a", "c");

    assertThat(root.auth().roleGet(roleGet("r")).getPermList())
        .containsExactly(Auth.permission(Permission.Type.WRITE, "a", "c"));
  }

  @ConformanceTest
  void roleGrantPermission_sameKeyOtherRangeEnd_addsAnotherPermission(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addRole(root, "r");
    Auth.grant(root, "r", Permission.Type.READ, "a", "c");

    Auth.grant(root, "r", Permission.Type.WRITE, "a", "");

    assertThat(root.auth().roleGet(roleGet("r")).getPermList()).hasSize(2)
        .contains(Auth.permission(Permission.Type.READ, "a", "c"),
            Auth.permission(Permission.Type.WRITE, "a", ""));
  }

  @ConformanceTest
  void roleGet_permissions_areSortedByKey(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addRole(root, "r");

    Auth.grant(root, "r", Permission.Type.READ, "m", "");
    Auth.grant(root, "r", Permission.Type.WRITE, "b", "d");
    Auth.grant(root, "r", Permission.Type.READWRITE, "x", "\0");
    Auth.grant(root, "r", Permission.Type.READ, "a", "");

    assertThat(root.auth().roleGet(roleGet("r")).getPermList()).containsExactly(
        Auth.permission(Permission.Type.READ, "a", ""),
        Auth.permission(Permission.Type.WRITE, "b", "d"),
        Auth.permission(Permission.Type.READ, "m", ""),
        Auth.permission(Permission.Type.READWRITE, "x", "\0"));
  }

  @ConformanceTest
  void userList_isSortedByName(ClusterLauncher launcher) {
    Caller root = root(launcher);
    for (String name : new String[] {"mallory", "Bob", "alice", "_z"}) {
      Auth.addUser(root, name, "pw");
    }

    assertThat(root.auth().userList(AuthUserListRequest.getDefaultInstance()).getUsersList())
        .containsExactly("Bob", "_z", "alice", "mallory", "root");
  }

  @ConformanceTest
  void roleList_isSortedByName(ClusterLauncher launcher) {
    Caller root = root(launcher);
    for (String role : new String[] {"writer", "Admin", "reader"}) {
      Auth.addRole(root, role);
    }

    // Role root was only granted, never added: it is not listed.
    assertThat(root.auth().roleList(AuthRoleListRequest.getDefaultInstance()).getRolesList())
        .containsExactly("Admin", "reader", "writer");
  }

  /**
   * Names are bolt keys of the auth buckets, so 32,768 bytes (bolt's MaxKeySize) is the longest
   * etcd 3.4.23 can store; one byte more and the member exits ("failed to write to a bucket",
   * "key too large", from {@code mvcc/backend/batch_tx.go}) as it applies the entry.
   */
  @ConformanceTest
  void userAdd_nameOfBoltsMaximumKeySize_isStoredAndListed(ClusterLauncher launcher) {
    Caller root = root(launcher);
    String huge = "u".repeat(32_768);

    Auth.addUser(root, huge, "pw");

    assertThat(root.auth().userList(AuthUserListRequest.getDefaultInstance()).getUsersList())
        .contains(huge);
  }

  @ConformanceTest
  void roleAdd_nameOverTheRequestLimit_failsRequestIsTooLarge(ClusterLauncher launcher) {
    Caller root = root(launcher);

    assertFails(() -> root.auth().roleAdd(AuthRoleAddRequest.newBuilder()
            .setName("r".repeat(1_600_000)).build()),
        Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large");
  }

  @ConformanceTest
  void roleGrantPermission_unknownPermissionTypeNumber_isStoredAsIs(ClusterLauncher launcher) {
    Caller root = root(launcher);
    Auth.addRole(root, "r");
    Permission seven = Permission.newBuilder().setPermTypeValue(7).setKey(Auth.bytes("k")).build();

    root.auth().roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName("r")
        .setPerm(seven).build());

    assertThat(root.auth().roleGet(roleGet("r")).getPermList()).containsExactly(seven);
  }
}
