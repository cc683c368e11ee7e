package dev.fakeetcd.internal.auth;

import static dev.fakeetcd.api.Permission.Type.READ;
import static dev.fakeetcd.api.Permission.Type.READWRITE;
import static dev.fakeetcd.api.Permission.Type.WRITE;
import static dev.fakeetcd.internal.auth.AuthRequests.assertFails;
import static dev.fakeetcd.internal.auth.AuthRequests.changePassword;
import static dev.fakeetcd.internal.auth.AuthRequests.grant;
import static dev.fakeetcd.internal.auth.AuthRequests.grantRole;
import static dev.fakeetcd.internal.auth.AuthRequests.noPasswordUserAdd;
import static dev.fakeetcd.internal.auth.AuthRequests.perm;
import static dev.fakeetcd.internal.auth.AuthRequests.revoke;
import static dev.fakeetcd.internal.auth.AuthRequests.revokeRole;
import static dev.fakeetcd.internal.auth.AuthRequests.roleAdd;
import static dev.fakeetcd.internal.auth.AuthRequests.roleDelete;
import static dev.fakeetcd.internal.auth.AuthRequests.roleGet;
import static dev.fakeetcd.internal.auth.AuthRequests.userAdd;
import static dev.fakeetcd.internal.auth.AuthRequests.userDelete;
import static dev.fakeetcd.internal.auth.AuthRequests.userGet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import org.junit.jupiter.api.Test;

/** Applying auth entries: enable and disable, users, roles and their permissions. */
class AuthStoreTest {

  private final RecordingTokens tokens = new RecordingTokens();
  private final AuthStore store = new AuthStore(tokens);

  /** User root holding role root, auth on; the calls so far forgotten. */
  private void enableAuth() {
    store.userAdd(userAdd("root"));
    store.userGrantRole(grantRole("root", "root"));
    store.enable();
    tokens.calls.clear();
  }

  // ---- enable, disable, status ----

  @Test
  void fresh_isDisabledAtRevisionOne() {
    assertThat(store.isEnabled()).isFalse();
    assertThat(store.revision()).isEqualTo(1);
  }

  @Test
  void status_reportsEnabledAndRevision() {
    enableAuth();

    assertThat(store.status().getEnabled()).isTrue();
    assertThat(store.status().getAuthRevision()).isEqualTo(3);
  }

  @Test
  void enable_withoutRootUser_failsRootUserNotExist() {
    assertFails(store::enable, EtcdError.ROOT_USER_NOT_EXIST);
    assertThat(store.isEnabled()).isFalse();
    assertThat(tokens.calls).isEmpty();
  }

  @Test
  void enable_rootWithoutRootRole_failsRootRoleNotExist() {
    store.userAdd(userAdd("root"));

    assertFails(store::enable, EtcdError.ROOT_ROLE_NOT_EXIST);
    assertThat(store.isEnabled()).isFalse();
  }

  @Test
  void enable_rootWithRootRole_turnsAuthAndTokensOnWithoutANewRevision() {
    store.userAdd(userAdd("root"));
    store.userGrantRole(grantRole("root", "root"));

    store.enable();

    // etcd 3.4.23 (observed with JWT revision claims): enabling does not bump the auth revision
    assertThat(store.isEnabled()).isTrue();
    assertThat(store.revision()).isEqualTo(3);
    assertThat(tokens.calls).containsExactly("enable");
  }

  @Test
  void enable_whenEnabled_changesNothing() {
    enableAuth();

    store.enable();

    assertThat(store.revision()).isEqualTo(3);
    assertThat(tokens.calls).isEmpty();
  }

  @Test
  void disable_whenEnabled_turnsAuthOffDropsTokensAndBumpsRevision() {
    enableAuth();

    store.disable();

    assertThat(store.isEnabled()).isFalse();
    assertThat(store.revision()).isEqualTo(4);
    assertThat(tokens.calls).containsExactly("disable");
  }

  @Test
  void disable_whenDisabled_changesNothing() {
    store.disable();

    // etcd 3.4.23 (observed): disabling twice bumps the revision once
    assertThat(store.revision()).isEqualTo(1);
    assertThat(tokens.calls).isEmpty();
  }

  // ---- authenticate ----

  @Test
  void authenticate_whenDisabled_failsAuthNotEnabled() {
    store.userAdd(userAdd("alice"));

    assertFails(() -> store.authenticate("alice", "p", 7), EtcdError.AUTH_NOT_ENABLED);
  }

  @Test
  void authenticate_unknownUser_failsAuthFailed() {
    enableAuth();

    assertFails(() -> store.authenticate("nobody", "p", 7), EtcdError.AUTH_FAILED);
    assertThat(tokens.calls).isEmpty();
  }

  @Test
  void authenticate_noPasswordUser_failsAuthFailed() {
    enableAuth();
    store.userAdd(noPasswordUserAdd("cert"));

    assertFails(() -> store.authenticate("cert", "p", 7), EtcdError.AUTH_FAILED);
  }

  @Test
  void authenticate_knownUser_answersTheProvidersTokenWithoutANewRevision() {
    enableAuth();

    assertThat(store.authenticate("root", "pre", 7).getToken()).isEqualTo("tok-root");
    assertThat(tokens.calls).containsExactly("assign root 3 pre 7");
    assertThat(store.revision()).isEqualTo(3);
  }

  // ---- users ----

  @Test
  void userAdd_emptyName_failsUserEmpty() {
    assertFails(() -> store.userAdd(userAdd("")), EtcdError.USER_EMPTY);
    assertThat(store.revision()).isEqualTo(1);
  }

  @Test
  void userAdd_existingName_failsUserAlreadyExist() {
    store.userAdd(userAdd("alice"));

    assertFails(() -> store.userAdd(userAdd("alice")), EtcdError.USER_ALREADY_EXIST);
    assertThat(store.revision()).isEqualTo(2);
  }

  @Test
  void userAdd_newName_storesTheHashAndBumpsRevision() {
    store.userAdd(userAdd("alice"));

    assertThat(store.passwordHash("alice")).hasValue("hash-alice");
    assertThat(store.revision()).isEqualTo(2);
  }

  @Test
  void userAdd_noPassword_storesNoHashEvenIfOneIsSent() {
    store.userAdd(noPasswordUserAdd("cert").toBuilder().setHashedPassword("ignored").build());

    assertThat(store.passwordHash("cert")).hasValue("");
  }

  @Test
  void userAdd_nameOverBoltsKeyLimit_isAccepted() {
    // etcd 3.4.23 (observed) crashes on a name over 32 KiB, which bbolt refuses as a key
    String name = "u".repeat(32 * 1024 + 1);

    store.userAdd(userAdd(name));

    assertThat(store.userList().getUsersList()).containsExactly(name);
  }

  @Test
  void userList_isInGoByteOrder() {
    // U+FFFD sorts before U+1F600 in UTF-8 (Go), after it in UTF-16 (Java's String order)
    for (String name : new String[] {"\uD83D\uDE00", "b", "\uFFFD", "B", "a"}) {
      store.userAdd(userAdd(name));
    }

    assertThat(store.userList().getUsersList())
        .containsExactly("B", "a", "b", "\uFFFD", "\uD83D\uDE00");
  }

  @Test
  void userDelete_unknownUser_failsUserNotFound() {
    assertFails(() -> store.userDelete(userDelete("nobody")), EtcdError.USER_NOT_FOUND);
    assertThat(tokens.calls).isEmpty();
  }

  @Test
  void userDelete_existingUser_removesItAndItsTokens() {
    store.userAdd(userAdd("alice"));

    store.userDelete(userDelete("alice"));

    assertThat(store.userList().getUsersList()).isEmpty();
    assertThat(store.revision()).isEqualTo(3);
    assertThat(tokens.calls).containsExactly("invalidateUser alice");
  }

  @Test
  void userDelete_rootWhileEnabled_failsInvalidAuthMgmt() {
    enableAuth();

    assertFails(() -> store.userDelete(userDelete("root")), EtcdError.INVALID_AUTH_MGMT);
    assertThat(store.passwordHash("root")).isPresent();
  }

  @Test
  void userDelete_rootWhileDisabled_deletesIt() {
    store.userAdd(userAdd("root"));

    store.userDelete(userDelete("root"));

    assertThat(store.passwordHash("root")).isEmpty();
  }

  @Test
  void userChangePassword_unknownUser_failsUserNotFound() {
    assertFails(() -> store.userChangePassword(changePassword("nobody", "h")),
        EtcdError.USER_NOT_FOUND);
  }

  @Test
  void userChangePassword_existingUser_storesTheHashKeepsRolesAndDropsTokens() {
    store.userAdd(userAdd("alice"));
    store.userGrantRole(grantRole("alice", "root"));

    store.userChangePassword(changePassword("alice", "new-hash"));

    assertThat(store.passwordHash("alice")).hasValue("new-hash");
    assertThat(store.userGet(userGet("alice")).getRolesList()).containsExactly("root");
    assertThat(store.revision()).isEqualTo(4);
    assertThat(tokens.calls).containsExactly("invalidateUser alice");
  }

  @Test
  void userChangePassword_noPasswordUser_staysWithoutPasswordLogin() {
    enableAuth();
    store.userAdd(noPasswordUserAdd("cert"));

    store.userChangePassword(changePassword("cert", "h"));

    // etcd keeps the user's options: still no password Authenticate
    assertFails(() -> store.authenticate("cert", "p", 9), EtcdError.AUTH_FAILED);
  }

  @Test
  void userGrantRole_unknownUser_failsUserNotFound() {
    store.roleAdd(roleAdd("r"));

    assertFails(() -> store.userGrantRole(grantRole("nobody", "r")), EtcdError.USER_NOT_FOUND);
  }

  @Test
  void userGrantRole_unknownRole_failsRoleNotFound() {
    store.userAdd(userAdd("alice"));

    assertFails(() -> store.userGrantRole(grantRole("alice", "r")), EtcdError.ROLE_NOT_FOUND);
    assertThat(store.revision()).isEqualTo(2);
  }

  @Test
  void userGrantRole_root_needsNoRoleNamedRoot() {
    store.userAdd(userAdd("alice"));

    store.userGrantRole(grantRole("alice", "root"));

    // etcd 3.4.23 (observed): granted, while RoleGet "root" still answers role not found
    assertThat(store.userGet(userGet("alice")).getRolesList()).containsExactly("root");
    assertFails(() -> store.roleGet(roleGet("root")), EtcdError.ROLE_NOT_FOUND);
  }

  @Test
  void userGrantRole_roleAlreadyHeld_changesNothing() {
    store.userAdd(userAdd("alice"));
    store.userGrantRole(grantRole("alice", "root"));

    store.userGrantRole(grantRole("alice", "root"));

    // etcd 3.4.23 (observed): no new auth revision
    assertThat(store.revision()).isEqualTo(3);
    assertThat(store.userGet(userGet("alice")).getRolesList()).containsExactly("root");
  }

  @Test
  void userGrantRole_keepsRolesInGoByteOrder() {
    store.userAdd(userAdd("alice"));
    for (String role : new String[] {"\uD83D\uDE00", "b", "\uFFFD", "B", "a"}) {
      store.roleAdd(roleAdd(role));
      store.userGrantRole(grantRole("alice", role));
    }

    assertThat(store.userGet(userGet("alice")).getRolesList())
        .containsExactly("B", "a", "b", "\uFFFD", "\uD83D\uDE00");
  }

  @Test
  void userRevokeRole_rootsRootWhileEnabled_failsInvalidAuthMgmt() {
    enableAuth();

    assertFails(() -> store.userRevokeRole(revokeRole("root", "root")),
        EtcdError.INVALID_AUTH_MGMT);
  }

  @Test
  void userRevokeRole_rootsRootWhileDisabled_revokesIt() {
    store.userAdd(userAdd("root"));
    store.userGrantRole(grantRole("root", "root"));

    store.userRevokeRole(revokeRole("root", "root"));

    assertThat(store.userGet(userGet("root")).getRolesList()).isEmpty();
  }

  @Test
  void userRevokeRole_unknownUser_failsUserNotFound() {
    assertFails(() -> store.userRevokeRole(revokeRole("nobody", "r")), EtcdError.USER_NOT_FOUND);
  }

  @Test
  void userRevokeRole_roleNotHeld_failsRoleNotGranted() {
    store.userAdd(userAdd("alice"));

    assertFails(() -> store.userRevokeRole(revokeRole("alice", "r")), EtcdError.ROLE_NOT_GRANTED);
    assertThat(store.revision()).isEqualTo(2);
  }

  @Test
  void userRevokeRole_heldRole_removesItAndBumpsRevision() {
    store.userAdd(userAdd("alice"));
    store.roleAdd(roleAdd("r"));
    store.userGrantRole(grantRole("alice", "r"));
    store.userGrantRole(grantRole("alice", "root"));

    store.userRevokeRole(revokeRole("alice", "r"));

    assertThat(store.userGet(userGet("alice")).getRolesList()).containsExactly("root");
    assertThat(store.revision()).isEqualTo(6);
  }

  @Test
  void userGet_unknownUser_failsUserNotFound() {
    assertFails(() -> store.userGet(userGet("nobody")), EtcdError.USER_NOT_FOUND);
  }

  // ---- roles ----

  @Test
  void roleAdd_emptyName_failsRoleEmpty() {
    assertFails(() -> store.roleAdd(roleAdd("")), EtcdError.ROLE_EMPTY);
  }

  @Test
  void roleAdd_existingName_failsRoleAlreadyExist() {
    store.roleAdd(roleAdd("r"));

    assertFails(() -> store.roleAdd(roleAdd("r")), EtcdError.ROLE_ALREADY_EXIST);
    assertThat(store.revision()).isEqualTo(2);
  }

  @Test
  void roleAdd_root_isARoleLikeAnyOther() {
    store.roleAdd(roleAdd("root"));

    assertThat(store.roleGet(roleGet("root")).getPermList()).isEmpty();
    assertThat(store.revision()).isEqualTo(2);
  }

  @Test
  void roleGet_unknownRole_failsRoleNotFound() {
    assertFails(() -> store.roleGet(roleGet("r")), EtcdError.ROLE_NOT_FOUND);
  }

  @Test
  void roleList_isInNameOrder() {
    for (String name : new String[] {"c", "a", "b"}) {
      store.roleAdd(roleAdd(name));
    }

    assertThat(store.roleList().getRolesList()).containsExactly("a", "b", "c");
  }

  @Test
  void roleDelete_rootWhileEnabled_failsInvalidAuthMgmt() {
    enableAuth();
    store.roleAdd(roleAdd("root"));

    assertFails(() -> store.roleDelete(roleDelete("root")), EtcdError.INVALID_AUTH_MGMT);
  }

  @Test
  void roleDelete_unknownRole_failsRoleNotFound() {
    assertFails(() -> store.roleDelete(roleDelete("r")), EtcdError.ROLE_NOT_FOUND);
  }

  @Test
  void roleDelete_heldRole_leavesEveryHolderInOneRevision() {
    store.roleAdd(roleAdd("r"));
    for (String user : new String[] {"alice", "bob"}) {
      store.userAdd(userAdd(user));
      store.userGrantRole(grantRole(user, "r"));
    }
    long before = store.revision();

    store.roleDelete(roleDelete("r"));

    // etcd 3.4.23 (observed): one auth revision for the role and all its holders
    assertThat(store.revision()).isEqualTo(before + 1);
    assertThat(store.roleList().getRolesList()).isEmpty();
    assertThat(store.userGet(userGet("alice")).getRolesList()).isEmpty();
    assertThat(store.userGet(userGet("bob")).getRolesList()).isEmpty();
  }

  @Test
  void roleGrantPermission_unknownRole_failsRoleNotFound() {
    assertFails(() -> store.roleGrantPermission(grant("r", READ, "a", "")),
        EtcdError.ROLE_NOT_FOUND);
  }

  @Test
  void roleGrantPermission_newKeys_areKeptInUnsignedKeyOrder() {
    store.roleAdd(roleAdd("r"));

    for (String key : new String[] {"b", "\u00e9", "a", "ab"}) {
      store.roleGrantPermission(grant("r", READ, key, ""));
    }

    assertThat(store.roleGet(roleGet("r")).getPermList()).containsExactly(
        perm(READ, "a", ""), perm(READ, "ab", ""), perm(READ, "b", ""),
        perm(READ, "\u00e9", ""));
    assertThat(store.revision()).isEqualTo(6);
  }

  @Test
  void roleGrantPermission_sameKeyAndRangeEnd_replacesTheType() {
    store.roleAdd(roleAdd("r"));
    store.roleGrantPermission(grant("r", READ, "a", "c"));

    store.roleGrantPermission(grant("r", WRITE, "a", "c"));

    assertThat(store.roleGet(roleGet("r")).getPermList()).containsExactly(perm(WRITE, "a", "c"));
    assertThat(store.revision()).isEqualTo(4);
  }

  @Test
  void roleGrantPermission_sameKeyOtherRangeEnd_goesAfterThoseOfThatKey() {
    store.roleAdd(roleAdd("r"));
    store.roleGrantPermission(grant("r", READ, "b", ""));
    store.roleGrantPermission(grant("r", READ, "a", "c"));

    store.roleGrantPermission(grant("r", WRITE, "a", ""));
    store.roleGrantPermission(grant("r", READWRITE, "a", "b"));

    // etcd 3.4.23 (observed): in grant order among equal keys
    assertThat(store.roleGet(roleGet("r")).getPermList()).containsExactly(
        perm(READ, "a", "c"), perm(WRITE, "a", ""), perm(READWRITE, "a", "b"),
        perm(READ, "b", ""));
  }

  @Test
  void roleGrantPermission_matchBehindAnotherOfTheSameKey_isAddedAgain() {
    store.roleAdd(roleAdd("r"));
    store.roleGrantPermission(grant("r", READ, "a", "c"));
    store.roleGrantPermission(grant("r", WRITE, "a", ""));

    store.roleGrantPermission(grant("r", READ, "a", ""));

    // etcd 3.4.23 (observed): only the first permission of the key is compared
    assertThat(store.roleGet(roleGet("r")).getPermList()).containsExactly(
        perm(READ, "a", "c"), perm(WRITE, "a", ""), perm(READ, "a", ""));
  }

  @Test
  void roleGrantPermission_unknownTypeNumber_isKeptAsSent() {
    store.roleAdd(roleAdd("r"));

    store.roleGrantPermission(grant("r", Permission.newBuilder().setPermTypeValue(5)
        .setKey(AuthRequests.bs("a")).build()));

    // etcd 3.4.23 (observed): stored and answered as permType 5
    assertThat(store.roleGet(roleGet("r")).getPerm(0).getPermTypeValue()).isEqualTo(5);
  }

  @Test
  void roleGrantPermission_withoutPermission_failsPermissionNotGiven() {
    store.roleAdd(roleAdd("r"));

    // etcd 3.4.23 (observed) crashes; later releases answer this
    assertFails(() -> store.roleGrantPermission(
        AuthRoleGrantPermissionRequest.newBuilder().setName("r").build()),
        EtcdError.PERMISSION_NOT_GIVEN);
    assertThat(store.roleGet(roleGet("r")).getPermList()).isEmpty();
  }

  @Test
  void roleRevokePermission_unknownRole_failsRoleNotFound() {
    assertFails(() -> store.roleRevokePermission(revoke("r", "a", "")), EtcdError.ROLE_NOT_FOUND);
  }

  @Test
  void roleRevokePermission_sameKeyOtherRangeEnd_failsPermissionNotGranted() {
    store.roleAdd(roleAdd("r"));
    store.roleGrantPermission(grant("r", READ, "a", "c"));

    assertFails(() -> store.roleRevokePermission(revoke("r", "a", "")),
        EtcdError.PERMISSION_NOT_GRANTED);
    assertThat(store.revision()).isEqualTo(3);
  }

  @Test
  void roleRevokePermission_exactMatch_removesEveryCopy() {
    store.roleAdd(roleAdd("r"));
    store.roleGrantPermission(grant("r", READ, "a", "c"));
    store.roleGrantPermission(grant("r", WRITE, "a", ""));
    store.roleGrantPermission(grant("r", READ, "a", ""));

    store.roleRevokePermission(revoke("r", "a", ""));

    assertThat(store.roleGet(roleGet("r")).getPermList()).containsExactly(perm(READ, "a", "c"));
    assertThat(store.revision()).isEqualTo(6);
  }

  @Test
  void failedChange_keepsTheRevision() {
    store.userAdd(userAdd("alice"));

    assertFails(() -> store.roleDelete(roleDelete("r")), EtcdError.ROLE_NOT_FOUND);
    assertFails(() -> store.userAdd(userAdd("alice")), EtcdError.USER_ALREADY_EXIST);

    assertThat(store.revision()).isEqualTo(2);
  }
}
