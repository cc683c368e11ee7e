package dev.fakeetcd.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * etcd's check for calls carrying {@code hasleader: true}: they fail with {@code etcdserver: no
 * leader} while the member knows no leader, before anything else is looked at.
 */
final class HasLeaderInterceptor implements ServerInterceptor {

  static final Metadata.Key<String> HAS_LEADER =
      Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);

  private final EtcdServer server;
  private final MemberServer member;

  HasLeaderInterceptor(EtcdServer server, MemberServer member) {
    this.server = server;
    this.member = member;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if ("true".equals(headers.get(HAS_LEADER)) && !server.locked(member::hasLeader)) {
      call.close(EtcdError.NO_LEADER.status(), new Metadata());
      return new ServerCall.Listener<>() {
      };
    }
    return next.startCall(call, headers);
  }
}
