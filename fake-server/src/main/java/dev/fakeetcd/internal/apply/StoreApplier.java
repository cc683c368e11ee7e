package dev.fakeetcd.internal.apply;

import com.google.protobuf.MessageLite;
import dev.fakeetcd.api.AlarmRequest;
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
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.InternalAuthenticateRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DowngradeInfo;
import dev.fakeetcd.api.LeaseCheckpointRequest;
import dev.fakeetcd.api.LeaseCheckpointResponse;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrantResponse;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.LeaseRevokeResponse;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.auth.AuthStore;
import dev.fakeetcd.internal.lease.Lessor;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.mvcc.WriteResult;
import java.util.List;

/**
 * The last link, etcd 3.4's {@code applierV3backend} ({@code etcdserver/apply.go}): applies KV
 * requests and compaction to the MVCC store, lease requests to the lessor (a revoke deletes the
 * lease's keys first), alarms to the alarm store, auth requests to the auth store, and keeps etcd
 * 3.5's downgrade job.
 */
final class StoreApplier implements Applier {
  private final MvccStore store;
  private final Lessor lessor;
  private final AlarmStore alarms;
  private final AuthStore auth;
  /** etcd 3.5's downgrade job: the cluster-wide state Downgrade ENABLE and CANCEL set. */
  private DowngradeInfo downgrade = DowngradeInfo.getDefaultInstance();

  StoreApplier(MvccStore store, Lessor lessor, AlarmStore alarms, AuthStore auth) {
    this.store = store;
    this.lessor = lessor;
    this.alarms = alarms;
    this.auth = auth;
  }

  DowngradeInfo downgrade() {
    return downgrade;
  }

  /** A snapshot's downgrade job. */
  void restoreDowngrade(DowngradeInfo job) {
    downgrade = job;
  }

  @Override
  public Applied apply(RaftRequest.Kind kind, MessageLite request, Origin origin) {
    return Applied.of(switch (kind) {
      case PUT -> store.put((PutRequest) request);
      case DELETE_RANGE -> store.deleteRange((DeleteRangeRequest) request);
      case TXN -> store.txn((TxnRequest) request);
      case COMPACTION -> unchanged(store.compact((CompactionRequest) request));
      case LEASE_GRANT -> grant((LeaseGrantRequest) request);
      case LEASE_REVOKE -> revoke((LeaseRevokeRequest) request);
      case LEASE_CHECKPOINT -> {
        lessor.checkpoint((LeaseCheckpointRequest) request);
        yield unchanged(LeaseCheckpointResponse.newBuilder()
            .setHeader(revisionHeader(store.revision())).build());
      }
      case ALARM -> unchanged(alarms.apply((AlarmRequest) request));
      case DOWNGRADE_INFO_SET -> {
        DowngradeInfo set = (DowngradeInfo) request;
        // As etcd: cancelling forgets the target too.
        downgrade = set.getEnabled() ? set : DowngradeInfo.getDefaultInstance();
        yield unchanged(downgrade);
      }
      default -> unchanged(applyAuth(kind, request, origin));
    });
  }

  /** An auth request, answered with a header at the current KV revision (auth has its own). */
  private MessageLite applyAuth(RaftRequest.Kind kind, MessageLite request, Origin origin) {
    ResponseHeader header = revisionHeader(store.revision());
    return switch (kind) {
      case AUTH_ENABLE -> auth.enable().toBuilder().setHeader(header).build();
      case AUTH_DISABLE -> auth.disable().toBuilder().setHeader(header).build();
      case AUTH_STATUS -> auth.status().toBuilder().setHeader(header).build();
      case AUTHENTICATE -> {
        InternalAuthenticateRequest r = (InternalAuthenticateRequest) request;
        yield auth.authenticate(r.getName(), r.getSimpleToken(), origin.index()).toBuilder()
            .setHeader(header).build();
      }
      case AUTH_USER_ADD ->
          auth.userAdd((AuthUserAddRequest) request).toBuilder().setHeader(header).build();
      case AUTH_USER_DELETE ->
          auth.userDelete((AuthUserDeleteRequest) request).toBuilder().setHeader(header).build();
      case AUTH_USER_GET ->
          auth.userGet((AuthUserGetRequest) request).toBuilder().setHeader(header).build();
      case AUTH_USER_CHANGE_PASSWORD -> auth.userChangePassword(
          (AuthUserChangePasswordRequest) request).toBuilder().setHeader(header).build();
      case AUTH_USER_GRANT_ROLE -> auth.userGrantRole((AuthUserGrantRoleRequest) request)
          .toBuilder().setHeader(header).build();
      case AUTH_USER_REVOKE_ROLE -> auth.userRevokeRole((AuthUserRevokeRoleRequest) request)
          .toBuilder().setHeader(header).build();
      case AUTH_USER_LIST -> auth.userList().toBuilder().setHeader(header).build();
      case AUTH_ROLE_LIST -> auth.roleList().toBuilder().setHeader(header).build();
      case AUTH_ROLE_ADD ->
          auth.roleAdd((AuthRoleAddRequest) request).toBuilder().setHeader(header).build();
      case AUTH_ROLE_DELETE ->
          auth.roleDelete((AuthRoleDeleteRequest) request).toBuilder().setHeader(header).build();
      case AUTH_ROLE_GET ->
          auth.roleGet((AuthRoleGetRequest) request).toBuilder().setHeader(header).build();
      case AUTH_ROLE_GRANT_PERMISSION -> auth.roleGrantPermission(
          (AuthRoleGrantPermissionRequest) request).toBuilder().setHeader(header).build();
      case AUTH_ROLE_REVOKE_PERMISSION -> auth.roleRevokePermission(
          (AuthRoleRevokePermissionRequest) request).toBuilder().setHeader(header).build();
      default -> throw new IllegalArgumentException("not an auth request: " + kind);
    };
  }

  /** The result of a request that creates no revision. */
  private <R> WriteResult<R> unchanged(R response) {
    return new WriteResult<>(response, store.revision(), List.of());
  }

  private WriteResult<LeaseGrantResponse> grant(LeaseGrantRequest request) {
    long ttl = lessor.grant(request.getID(), request.getTTL());
    return unchanged(LeaseGrantResponse.newBuilder()
        .setHeader(revisionHeader(store.revision())).setID(request.getID()).setTTL(ttl).build());
  }

  /** Deletes the lease's keys in one revision (events in key order), then the lease. */
  private WriteResult<LeaseRevokeResponse> revoke(LeaseRevokeRequest request) {
    lessor.requireExists(request.getID());
    WriteResult<Void> deleted = store.deleteAttached(request.getID());
    lessor.remove(request.getID());
    return new WriteResult<>(LeaseRevokeResponse.newBuilder()
        .setHeader(revisionHeader(deleted.revision())).build(), deleted.revision(),
        deleted.events());
  }

  private static ResponseHeader revisionHeader(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }
}
