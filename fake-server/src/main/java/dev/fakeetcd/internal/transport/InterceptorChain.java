package dev.fakeetcd.internal.transport;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import java.util.List;

/**
 * Interceptors applied as one, in {@link ServerInterceptors#intercept}'s order: the last runs
 * first. The chain is built per call instead of per method, so a member's dozens of methods hold one
 * handler each rather than one per interceptor (most of an idle cluster's heap before).
 */
final class InterceptorChain implements ServerInterceptor {

  private final ServerInterceptor[] interceptors;

  InterceptorChain(List<ServerInterceptor> interceptors) {
    this.interceptors = interceptors.toArray(ServerInterceptor[]::new);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    ServerCallHandler<Q, R> handler = next;
    for (ServerInterceptor interceptor : interceptors) {
      ServerCallHandler<Q, R> inner = handler;
      handler = (c, h) -> interceptor.interceptCall(c, h, inner);
    }
    return handler.startCall(call, headers);
  }
}
