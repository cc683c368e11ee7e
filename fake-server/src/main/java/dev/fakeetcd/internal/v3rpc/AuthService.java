package dev.fakeetcd.internal.v3rpc;

import dev.fakeetcd.api.AuthDisableRequest;
import dev.fakeetcd.api.AuthDisableResponse;
import dev.fakeetcd.api.AuthEnableRequest;
import dev.fakeetcd.api.AuthEnableResponse;
import dev.fakeetcd.api.AuthGrpc;
import dev.fakeetcd.api.AuthRoleAddRequest;
import dev.fakeetcd.api.AuthRoleAddResponse;
import dev.fakeetcd.api.AuthRoleDeleteRequest;
import dev.fakeetcd.api.AuthRoleDeleteResponse;
import dev.fakeetcd.api.AuthRoleGetRequest;
import dev.fakeetcd.api.AuthRoleGetResponse;
import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.AuthRoleGrantPermissionResponse;
import dev.fakeetcd.api.AuthRoleListRequest;
import dev.fakeetcd.api.AuthRoleListResponse;
import dev.fakeetcd.api.AuthRoleRevokePermissionRequest;
import dev.fakeetcd.api.AuthRoleRevokePermissionResponse;
import dev.fakeetcd.api.AuthStatusRequest;
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
import dev.fakeetcd.api.AuthUserListRequest;
import dev.fakeetcd.api.AuthUserListResponse;
import dev.fakeetcd.api.AuthUserRevokeRoleRequest;
import dev.fakeetcd.api.AuthUserRevokeRoleResponse;
import dev.fakeetcd.api.AuthenticateRequest;
import dev.fakeetcd.api.AuthenticateResponse;
import dev.fakeetcd.api.ResponseHeader;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import dev.fakeetcd.internal.apply.RaftRequest;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.server.CallerToken;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberServer;
import io.grpc.stub.StreamObserver;

/**
 * {@code etcdserverpb.Auth} of one member. As in etcd 3.4, every call goes through Raft, reads
 * included, and runs as the caller's token at apply; Authenticate checks the password first.
 * Passwords are hashed here, on the call's thread, before the call enters the cluster.
 */
public final class AuthService extends AuthGrpc.AuthImplBase {

  private final Cluster cluster;
  private final MemberServer member;

  public AuthService(Cluster cluster, MemberServer member) {
    this.cluster = cluster;
    this.member = member;
  }

  @Override
  public void authenticate(AuthenticateRequest request,
      StreamObserver<AuthenticateResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses,
        () -> member.auth().authenticate(request, caller).thenApply(this::withHeader));
  }

  @Override
  public void authEnable(AuthEnableRequest request, StreamObserver<AuthEnableResponse> responses) {
    propose(RaftRequest.Kind.AUTH_ENABLE, request, responses);
  }

  @Override
  public void authDisable(AuthDisableRequest request, StreamObserver<AuthDisableResponse> responses) {
    propose(RaftRequest.Kind.AUTH_DISABLE, request, responses);
  }

  @Override
  public void authStatus(AuthStatusRequest request, StreamObserver<AuthStatusResponse> responses) {
    propose(RaftRequest.Kind.AUTH_STATUS, request, responses);
  }

  @Override
  public void userAdd(AuthUserAddRequest request, StreamObserver<AuthUserAddResponse> responses) {
    propose(RaftRequest.Kind.AUTH_USER_ADD, request, responses);
  }

  @Override
  public void userGet(AuthUserGetRequest request, StreamObserver<AuthUserGetResponse> responses) {
    propose(RaftRequest.Kind.AUTH_USER_GET, request, responses);
  }

  @Override
  public void userList(AuthUserListRequest request, StreamObserver<AuthUserListResponse> responses) {
    propose(RaftRequest.Kind.AUTH_USER_LIST, request, responses);
  }

  @Override
  public void userDelete(AuthUserDeleteRequest request, StreamObserver<AuthUserDeleteResponse> responses) {
    propose(RaftRequest.Kind.AUTH_USER_DELETE, request, responses);
  }

  @Override
  public void userChangePassword(AuthUserChangePasswordRequest request, StreamObserver<AuthUserChangePasswordResponse> responses) {
    propose(RaftRequest.Kind.AUTH_USER_CHANGE_PASSWORD, request, responses);
  }

  @Override
  public void userGrantRole(AuthUserGrantRoleRequest request, StreamObserver<AuthUserGrantRoleResponse> responses) {
    propose(RaftRequest.Kind.AUTH_USER_GRANT_ROLE, request, responses);
  }

  @Override
  public void userRevokeRole(AuthUserRevokeRoleRequest request, StreamObserver<AuthUserRevokeRoleResponse> responses) {
    propose(RaftRequest.Kind.AUTH_USER_REVOKE_ROLE, request, responses);
  }

  @Override
  public void roleAdd(AuthRoleAddRequest request, StreamObserver<AuthRoleAddResponse> responses) {
    propose(RaftRequest.Kind.AUTH_ROLE_ADD, request, responses);
  }

  @Override
  public void roleGet(AuthRoleGetRequest request, StreamObserver<AuthRoleGetResponse> responses) {
    propose(RaftRequest.Kind.AUTH_ROLE_GET, request, responses);
  }

  @Override
  public void roleList(AuthRoleListRequest request, StreamObserver<AuthRoleListResponse> responses) {
    propose(RaftRequest.Kind.AUTH_ROLE_LIST, request, responses);
  }

  @Override
  public void roleDelete(AuthRoleDeleteRequest request, StreamObserver<AuthRoleDeleteResponse> responses) {
    propose(RaftRequest.Kind.AUTH_ROLE_DELETE, request, responses);
  }

  @Override
  public void roleGrantPermission(AuthRoleGrantPermissionRequest request, StreamObserver<AuthRoleGrantPermissionResponse> responses) {
    propose(RaftRequest.Kind.AUTH_ROLE_GRANT_PERMISSION, request, responses);
  }

  @Override
  public void roleRevokePermission(AuthRoleRevokePermissionRequest request, StreamObserver<AuthRoleRevokePermissionResponse> responses) {
    propose(RaftRequest.Kind.AUTH_ROLE_REVOKE_PERMISSION, request, responses);
  }

  private <T extends Message> void propose(RaftRequest.Kind kind, Message request,
      StreamObserver<T> responses) {
    Credentials caller = CallerToken.current();
    MessageLite entry = member.auth().withHashedPassword(kind, request); // bcrypt, off the lock
    cluster.call(member, responses, () -> member.propose(kind, entry, caller)
        .thenApply(response -> {
          @SuppressWarnings("unchecked")
          T typed = withHeader((T) response);
          return typed;
        }));
  }

  /** The apply's header (its revision) completed with this member's ids and term. */
  private <T extends Message> T withHeader(T response) {
    FieldDescriptor field = response.getDescriptorForType().findFieldByName("header");
    ResponseHeader header = member.header((ResponseHeader) response.getField(field));
    @SuppressWarnings("unchecked")
    T filled = (T) response.toBuilder().setField(field, header).build();
    return filled;
  }
}
