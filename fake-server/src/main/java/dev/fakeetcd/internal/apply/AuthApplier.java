package dev.fakeetcd.internal.apply;

import com.google.protobuf.MessageLite;
import dev.fakeetcd.api.AuthRoleGetRequest;
import dev.fakeetcd.api.AuthUserGetRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.auth.AuthInfo;
import dev.fakeetcd.internal.auth.AuthStore;
import dev.fakeetcd.internal.auth.RequestPermissions;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.rpctypes.EtcdException;

/**
 * etcd 3.4's {@code authApplierV3} ({@code etcdserver/apply_auth.go}): an entry runs as the user
 * its header names, checked against the auth store as this member applies it, so every member
 * refuses the same entries. Auth management needs the root role (a user may still read itself
 * and roles it holds); writes need their permissions.
 */
final class AuthApplier implements Applier {
  private final AuthStore auth;
  private final MvccStore store;
  private final Applier next;

  AuthApplier(AuthStore auth, MvccStore store, Applier next) {
    this.auth = auth;
    this.store = store;
    this.next = next;
  }

  @Override
  public Applied apply(RaftRequest.Kind kind, MessageLite request, Origin origin) {
    AuthInfo who = origin.who();
    switch (kind) {
      case AUTH_ENABLE, AUTH_DISABLE, AUTH_STATUS, AUTH_USER_ADD, AUTH_USER_DELETE,
          AUTH_USER_CHANGE_PASSWORD, AUTH_USER_GRANT_ROLE, AUTH_USER_REVOKE_ROLE, AUTH_USER_LIST,
          AUTH_ROLE_ADD, AUTH_ROLE_DELETE, AUTH_ROLE_GRANT_PERMISSION,
          AUTH_ROLE_REVOKE_PERMISSION, AUTH_ROLE_LIST -> auth.checkAdmin(who);
      case AUTH_USER_GET -> {
        if (!((AuthUserGetRequest) request).getName().equals(who.username())) {
          auth.checkAdmin(who);
        }
      }
      case AUTH_ROLE_GET -> adminOrHolder(who, ((AuthRoleGetRequest) request).getRole());
      case PUT -> {
        PutRequest put = (PutRequest) request;
        RequestPermissions.checkPut(auth, who, put, store.keysAttachedTo(put.getLease()));
      }
      case DELETE_RANGE ->
          RequestPermissions.checkDeleteRange(auth, who, (DeleteRangeRequest) request);
      case TXN -> RequestPermissions.checkTxn(auth, who, (TxnRequest) request);
      case LEASE_REVOKE -> RequestPermissions.checkLeaseKeys(auth, who,
          store.keysAttachedTo(((LeaseRevokeRequest) request).getID()));
      default -> { }
    }
    return next.apply(kind, request, origin);
  }

  private void adminOrHolder(AuthInfo who, String role) {
    try {
      auth.checkAdmin(who);
    } catch (EtcdException e) {
      if (!auth.hasRole(who.username(), role)) {
        throw e;
      }
    }
  }
}
