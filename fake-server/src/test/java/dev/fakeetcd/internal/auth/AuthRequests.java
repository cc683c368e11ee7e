package dev.fakeetcd.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.AuthRoleAddRequest;
import dev.fakeetcd.api.AuthRoleDeleteRequest;
import dev.fakeetcd.api.AuthRoleGetRequest;
import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.AuthRoleRevokePermissionRequest;
import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.AuthUserChangePasswordRequest;
import dev.fakeetcd.api.AuthUserDeleteRequest;
import dev.fakeetcd.api.AuthUserGetRequest;
import dev.fakeetcd.api.AuthUserGrantRoleRequest;
import dev.fakeetcd.api.AuthUserRevokeRoleRequest;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.api.UserAddOptions;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Request builders and the error assertion of the auth tests. */
final class AuthRequests {

  private AuthRequests() {
  }

  static AuthUserAddRequest userAdd(String name) {
    return AuthUserAddRequest.newBuilder().setName(name).setHashedPassword("hash-" + name).build();
  }

  static AuthUserAddRequest noPasswordUserAdd(String name) {
    return AuthUserAddRequest.newBuilder().setName(name)
        .setOptions(UserAddOptions.newBuilder().setNoPassword(true)).build();
  }

  static AuthUserDeleteRequest userDelete(String name) {
    return AuthUserDeleteRequest.newBuilder().setName(name).build();
  }

  static AuthUserChangePasswordRequest changePassword(String name, String hash) {
    return AuthUserChangePasswordRequest.newBuilder().setName(name).setHashedPassword(hash).build();
  }

  static AuthUserGrantRoleRequest grantRole(String user, String role) {
    return AuthUserGrantRoleRequest.newBuilder().setUser(user).setRole(role).build();
  }

  static AuthUserRevokeRoleRequest revokeRole(String user, String role) {
    return AuthUserRevokeRoleRequest.newBuilder().setName(user).setRole(role).build();
  }

  static AuthUserGetRequest userGet(String name) {
    return AuthUserGetRequest.newBuilder().setName(name).build();
  }

  static AuthRoleAddRequest roleAdd(String name) {
    return AuthRoleAddRequest.newBuilder().setName(name).build();
  }

  static AuthRoleGetRequest roleGet(String name) {
    return AuthRoleGetRequest.newBuilder().setRole(name).build();
  }

  static AuthRoleDeleteRequest roleDelete(String name) {
    return AuthRoleDeleteRequest.newBuilder().setRole(name).build();
  }

  static Permission perm(Permission.Type type, String key, String rangeEnd) {
    return Permission.newBuilder().setPermType(type).setKey(bs(key)).setRangeEnd(bs(rangeEnd))
        .build();
  }

  static AuthRoleGrantPermissionRequest grant(String role, Permission perm) {
    return AuthRoleGrantPermissionRequest.newBuilder().setName(role).setPerm(perm).build();
  }

  static AuthRoleGrantPermissionRequest grant(String role, Permission.Type type, String key,
      String rangeEnd) {
    return grant(role, perm(type, key, rangeEnd));
  }

  static AuthRoleRevokePermissionRequest revoke(String role, String key, String rangeEnd) {
    return AuthRoleRevokePermissionRequest.newBuilder().setRole(role).setKey(bs(key))
        .setRangeEnd(bs(rangeEnd)).build();
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /** {@code call} throws etcd's {@code error}: its code and its exact text. */
  static void assertFails(ThrowingCallable call, EtcdError error) {
    assertThatThrownBy(call).isInstanceOfSatisfying(EtcdException.class, e -> {
      assertThat(e.error()).isEqualTo(error);
      assertThat(e.asStatusException().getStatus().getCode()).isEqualTo(error.code());
      assertThat(e).hasMessage(error.message());
    });
  }
}
