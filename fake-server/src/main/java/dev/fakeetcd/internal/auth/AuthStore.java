package dev.fakeetcd.internal.auth;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.fakeetcd.api.AuthDisableResponse;
import dev.fakeetcd.api.AuthEnableResponse;
import dev.fakeetcd.api.AuthRoleAddRequest;
import dev.fakeetcd.api.AuthRoleAddResponse;
import dev.fakeetcd.api.AuthRoleDeleteRequest;
import dev.fakeetcd.api.AuthRoleDeleteResponse;
import dev.fakeetcd.api.AuthRoleGetRequest;
import dev.fakeetcd.api.AuthRoleGetResponse;
import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.AuthRoleGrantPermissionResponse;
import dev.fakeetcd.api.AuthRoleListResponse;
import dev.fakeetcd.api.AuthRoleRevokePermissionRequest;
import dev.fakeetcd.api.AuthRoleRevokePermissionResponse;
import dev.fakeetcd.api.AuthStatusResponse;
import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.AuthUserAddResponse;
import dev.fakeetcd.api.AuthUserChangePasswordRequest;
import dev.fakeetcd.api.AuthUserChangePasswordResponse;
import dev.fakeetcd.api.AuthUserDeleteRequest;
import dev.fakeetcd.api.AuthUserDeleteResponse;
import dev.fakeetcd.api.AuthUserGetRequest;
import dev.fakeetcd.api.AuthUserGetResponse;
import dev.fakeetcd.api.AuthUserGrantRoleRequest;
import dev.fakeetcd.api.AuthUserGrantRoleResponse;
import dev.fakeetcd.api.AuthUserListResponse;
import dev.fakeetcd.api.AuthUserRevokeRoleRequest;
import dev.fakeetcd.api.AuthUserRevokeRoleResponse;
import dev.fakeetcd.api.AuthenticateResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * One member's replicated auth state, etcd 3.4's {@code authStore} ({@code auth/store.go}):
 * whether auth is on, the auth revision, users (bcrypt hash, roles, options) and roles (key
 * permissions); each change applied in log order on every member, so every member holds the same.
 * The mutating methods are what applying an auth entry does; they answer without a header (the
 * caller adds it) or throw etcd's error. The checks are etcd's {@code isOpPermitted} and
 * {@code IsAdminPermitted}. Token side effects go to this member's {@link TokenProvider}.
 * Deterministic; called under the cluster lock.
 */
public final class AuthStore {

  private final TokenProvider tokens;

  public AuthStore(TokenProvider tokens) {
    this.tokens = tokens;
  }

  public TokenProvider tokens() {
    return tokens;
  }

  public boolean isEnabled() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The auth revision: 1 on a fresh store, one more for every change. */
  public long revision() {
    throw new UnsupportedOperationException("not yet");
  }

  // ---- apply ----

  public AuthEnableResponse enable() {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthDisableResponse disable() {
    throw new UnsupportedOperationException("not yet");
  }

  /** etcd 3.5's AuthStatus: enabled and the auth revision. */
  public AuthStatusResponse status() {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Applies an Authenticate entry (password already checked by the caller): the token for
   * {@code name}, from {@link TokenProvider#assign}.
   */
  public AuthenticateResponse authenticate(String name, String prefix, long index) {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code request} carries the bcrypt hash in {@code hashedPassword} (or no_password). */
  public AuthUserAddResponse userAdd(AuthUserAddRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthUserDeleteResponse userDelete(AuthUserDeleteRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code request} carries the bcrypt hash in {@code hashedPassword}. */
  public AuthUserChangePasswordResponse userChangePassword(AuthUserChangePasswordRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthUserGrantRoleResponse userGrantRole(AuthUserGrantRoleRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthUserRevokeRoleResponse userRevokeRole(AuthUserRevokeRoleRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthUserGetResponse userGet(AuthUserGetRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthUserListResponse userList() {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthRoleAddResponse roleAdd(AuthRoleAddRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthRoleGetResponse roleGet(AuthRoleGetRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthRoleListResponse roleList() {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthRoleDeleteResponse roleDelete(AuthRoleDeleteRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthRoleGrantPermissionResponse roleGrantPermission(
      AuthRoleGrantPermissionRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  public AuthRoleRevokePermissionResponse roleRevokePermission(
      AuthRoleRevokePermissionRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  // ---- checks ----

  /**
   * etcd's {@code CheckPassword} before an Authenticate is proposed: the auth revision the check
   * saw and the user's bcrypt hash, to compare outside the lock. Throws AUTH_NOT_ENABLED,
   * AUTH_FAILED (unknown user) or AUTH_NO_PASSWORD_USER.
   */
  public PasswordCheck passwordCheck(String name) {
    throw new UnsupportedOperationException("not yet");
  }

  /** What {@link #passwordCheck} hands the caller. */
  public record PasswordCheck(long revision, String hash) {
  }

  /** etcd's {@code IsAdminPermitted}: USER_EMPTY, USER_NOT_FOUND, PERMISSION_DENIED. */
  public void checkAdmin(AuthInfo who) {
    throw new UnsupportedOperationException("not yet");
  }

  /** READ on {@code [key, rangeEnd)} (an empty end: the key alone; {@code \0}: open end). */
  public void checkRange(AuthInfo who, ByteString key, ByteString rangeEnd) {
    throw new UnsupportedOperationException("not yet");
  }

  /** WRITE on {@code key}. */
  public void checkPut(AuthInfo who, ByteString key) {
    throw new UnsupportedOperationException("not yet");
  }

  /** WRITE on {@code [key, rangeEnd)}. */
  public void checkDeleteRange(AuthInfo who, ByteString key, ByteString rangeEnd) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Whether {@code user} exists and holds {@code role} (RoleGet by a non-admin). */
  public boolean hasRole(String user, String role) {
    throw new UnsupportedOperationException("not yet");
  }

  /** For the front door and tests: a user's bcrypt hash, if the user exists. */
  public Optional<String> passwordHash(String user) {
    throw new UnsupportedOperationException("not yet");
  }

  // ---- snapshots ----

  /** Writes enabled, revision, users and roles (in name order) for a snapshot. */
  public void writeTo(CodedOutputStream out) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }

  /** Replaces this store's state with what {@link #writeTo} wrote; tokens follow enabled. */
  public void readFrom(CodedInputStream in) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }
}
