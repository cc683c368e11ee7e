package dev.fakeetcd.internal.auth;

import static dev.fakeetcd.api.Permission.Type.READ;
import static dev.fakeetcd.api.Permission.Type.READWRITE;
import static dev.fakeetcd.api.Permission.Type.WRITE;
import static dev.fakeetcd.internal.auth.AuthRequests.assertFails;
import static dev.fakeetcd.internal.auth.AuthRequests.bs;
import static dev.fakeetcd.internal.auth.AuthRequests.grant;
import static dev.fakeetcd.internal.auth.AuthRequests.grantRole;
import static dev.fakeetcd.internal.auth.AuthRequests.noPasswordUserAdd;
import static dev.fakeetcd.internal.auth.AuthRequests.revoke;
import static dev.fakeetcd.internal.auth.AuthRequests.revokeRole;
import static dev.fakeetcd.internal.auth.AuthRequests.roleAdd;
import static dev.fakeetcd.internal.auth.AuthRequests.roleDelete;
import static dev.fakeetcd.internal.auth.AuthRequests.userAdd;
import static dev.fakeetcd.internal.auth.AuthRequests.userDelete;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import org.junit.jupiter.api.Test;

/** The checks: password lookup, admin, key permissions (etcd's isOpPermitted), roles. */
class AuthStoreCheckTest {

  private final RecordingTokens tokens = new RecordingTokens();
  private final AuthStore store = new AuthStore(tokens);

  /** Auth on with root, and user alice holding role r (no permissions yet). */
  private void enableAuthWithAlice() {
    store.userAdd(userAdd("root"));
    store.userGrantRole(grantRole("root", "root"));
    store.userAdd(userAdd("alice"));
    store.roleAdd(roleAdd("r"));
    store.userGrantRole(grantRole("alice", "r"));
    store.enable();
  }

  /** {@code user} with a token issued now. */
  private AuthInfo current(String user) {
    return new AuthInfo(user, store.revision());
  }

  // ---- passwordCheck ----

  @Test
  void passwordCheck_whenDisabled_failsAuthNotEnabled() {
    store.userAdd(userAdd("alice"));

    assertFails(() -> store.passwordCheck("alice"), EtcdError.AUTH_NOT_ENABLED);
  }

  @Test
  void passwordCheck_unknownUser_failsAuthFailed() {
    enableAuthWithAlice();

    assertFails(() -> store.passwordCheck("nobody"), EtcdError.AUTH_FAILED);
  }

  @Test
  void passwordCheck_noPasswordUser_failsNoPasswordUser() {
    enableAuthWithAlice();
    store.userAdd(noPasswordUserAdd("cert"));

    assertFails(() -> store.passwordCheck("cert"), EtcdError.AUTH_NO_PASSWORD_USER);
  }

  @Test
  void passwordCheck_knownUser_answersRevisionAndHash() {
    enableAuthWithAlice();

    assertThat(store.passwordCheck("alice"))
        .isEqualTo(new AuthStore.PasswordCheck(store.revision(), "hash-alice"));
  }

  // ---- checkAdmin ----

  @Test
  void checkAdmin_whenDisabled_passesWithoutUser() {
    store.checkAdmin(AuthInfo.NONE);
  }

  @Test
  void checkAdmin_noUser_failsUserEmpty() {
    enableAuthWithAlice();

    assertFails(() -> store.checkAdmin(AuthInfo.NONE), EtcdError.USER_EMPTY);
  }

  @Test
  void checkAdmin_unknownUser_failsUserNotFound() {
    enableAuthWithAlice();

    assertFails(() -> store.checkAdmin(current("nobody")), EtcdError.USER_NOT_FOUND);
  }

  @Test
  void checkAdmin_userWithoutRootRole_failsPermissionDenied() {
    enableAuthWithAlice();

    assertFails(() -> store.checkAdmin(current("alice")), EtcdError.PERMISSION_DENIED);
  }

  @Test
  void checkAdmin_rootRoleFromAnOldToken_passes() {
    enableAuthWithAlice();
    AuthInfo old = current("root");
    store.roleAdd(roleAdd("other"));

    // etcd's IsAdminPermitted does not look at the token's revision
    store.checkAdmin(old);
  }

  // ---- checkRange, checkPut, checkDeleteRange ----

  @Test
  void checkRange_whenDisabled_passesWithoutUser() {
    store.checkRange(AuthInfo.NONE, bs("a"), ByteString.EMPTY);
  }

  @Test
  void checkRange_noToken_failsUserEmpty() {
    enableAuthWithAlice();

    assertFails(() -> store.checkRange(AuthInfo.NONE, bs("a"), ByteString.EMPTY),
        EtcdError.USER_EMPTY);
  }

  @Test
  void checkRange_tokenFromBeforeAnAuthChange_failsOldRevision() {
    enableAuthWithAlice();
    AuthInfo old = current("root");
    store.roleAdd(roleAdd("other"));

    assertFails(() -> store.checkRange(old, bs("a"), ByteString.EMPTY),
        EtcdError.AUTH_OLD_REVISION);
  }

  @Test
  void checkRange_oldRevisionOfAnUnknownUser_failsOldRevisionFirst() {
    enableAuthWithAlice();

    assertFails(() -> store.checkRange(new AuthInfo("nobody", 1), bs("a"), ByteString.EMPTY),
        EtcdError.AUTH_OLD_REVISION);
  }

  @Test
  void checkRange_unknownUser_failsPermissionDenied() {
    enableAuthWithAlice();

    assertFails(() -> store.checkRange(current("nobody"), bs("a"), ByteString.EMPTY),
        EtcdError.PERMISSION_DENIED);
  }

  @Test
  void checkRange_rootRole_passesEverywhere() {
    enableAuthWithAlice();

    store.checkRange(current("root"), bs("\0"), bs("\0"));
  }

  @Test
  void checkRange_grantedRead_passes() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", READ, "a", "c"));

    store.checkRange(current("alice"), bs("a"), bs("c"));
  }

  @Test
  void checkRange_rangePastTheGrant_failsPermissionDenied() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", READ, "a", "c"));

    assertFails(() -> store.checkRange(current("alice"), bs("a"), bs("d")),
        EtcdError.PERMISSION_DENIED);
  }

  @Test
  void checkRange_grantedWriteOnly_failsPermissionDenied() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", WRITE, "a", ""));

    assertFails(() -> store.checkRange(current("alice"), bs("a"), ByteString.EMPTY),
        EtcdError.PERMISSION_DENIED);
  }

  @Test
  void checkRange_grantsOfSeveralRoles_addUp() {
    enableAuthWithAlice();
    store.roleAdd(roleAdd("s"));
    store.userGrantRole(grantRole("alice", "s"));
    store.roleGrantPermission(grant("r", READ, "a", "b"));
    store.roleGrantPermission(grant("s", READWRITE, "b", "c"));

    store.checkRange(current("alice"), bs("a"), bs("c"));
  }

  @Test
  void checkPut_grantedWrite_passes() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", WRITE, "a", ""));

    store.checkPut(current("alice"), bs("a"));
  }

  @Test
  void checkPut_grantedReadOnly_failsPermissionDenied() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", READ, "a", ""));

    assertFails(() -> store.checkPut(current("alice"), bs("a")), EtcdError.PERMISSION_DENIED);
  }

  @Test
  void checkDeleteRange_grantedReadWriteOpenEnded_passesToTheEnd() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", READWRITE, "k", "\0"));

    store.checkDeleteRange(current("alice"), bs("k"), bs("\0"));
  }

  @Test
  void checkDeleteRange_grantedReadOnly_failsPermissionDenied() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", READ, "a", "c"));

    assertFails(() -> store.checkDeleteRange(current("alice"), bs("a"), bs("c")),
        EtcdError.PERMISSION_DENIED);
  }

  @Test
  void checkPut_afterThePermissionIsRevoked_failsPermissionDenied() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", WRITE, "a", ""));
    store.roleRevokePermission(revoke("r", "a", ""));

    assertFails(() -> store.checkPut(current("alice"), bs("a")), EtcdError.PERMISSION_DENIED);
  }

  @Test
  void checkPut_afterTheRoleIsRevoked_failsPermissionDenied() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", WRITE, "a", ""));
    store.userRevokeRole(revokeRole("alice", "r"));

    assertFails(() -> store.checkPut(current("alice"), bs("a")), EtcdError.PERMISSION_DENIED);
  }

  @Test
  void checkPut_afterTheRoleIsDeletedAndAddedAgain_failsPermissionDenied() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", WRITE, "a", ""));
    store.roleDelete(roleDelete("r"));
    store.roleAdd(roleAdd("r"));
    store.roleGrantPermission(grant("r", WRITE, "a", ""));

    // the delete took the role from alice; the new role of that name is not hers
    assertFails(() -> store.checkPut(current("alice"), bs("a")), EtcdError.PERMISSION_DENIED);
  }

  @Test
  void checkPut_userDeletedAndAddedAgain_failsPermissionDenied() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", WRITE, "a", ""));
    store.userDelete(userDelete("alice"));
    store.userAdd(userAdd("alice"));

    assertFails(() -> store.checkPut(current("alice"), bs("a")), EtcdError.PERMISSION_DENIED);
  }

  @Test
  void checkPut_unknownPermissionType_failsPermissionDenied() {
    enableAuthWithAlice();
    store.roleGrantPermission(grant("r", Permission.newBuilder()
        .setPermTypeValue(5).setKey(bs("a")).build()));

    assertFails(() -> store.checkPut(current("alice"), bs("a")), EtcdError.PERMISSION_DENIED);
  }

  // ---- hasRole, passwordHash ----

  @Test
  void hasRole_heldRole_isTrue() {
    enableAuthWithAlice();

    assertThat(store.hasRole("alice", "r")).isTrue();
  }

  @Test
  void hasRole_roleNotHeld_isFalse() {
    enableAuthWithAlice();

    assertThat(store.hasRole("alice", "root")).isFalse();
  }

  @Test
  void hasRole_unknownUser_isFalse() {
    assertThat(store.hasRole("nobody", "r")).isFalse();
  }

  @Test
  void passwordHash_unknownUser_isEmpty() {
    assertThat(store.passwordHash("nobody")).isEmpty();
  }
}
