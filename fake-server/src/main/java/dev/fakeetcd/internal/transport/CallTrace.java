package dev.fakeetcd.internal.transport;

import dev.fakeetcd.internal.server.ClusterLock;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Client calls in the trace: this interceptor puts each call's gRPC method in its {@link Context},
 * and the call is recorded ({@link ClusterLock#trace}) where it enters the simulation, under the
 * cluster lock, so that its place among the other events is as reproducible as the call itself.
 */
final class CallTrace implements ServerInterceptor {

  static final CallTrace INSTANCE = new CallTrace();

  private CallTrace() {
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Context context = Context.current()
        .withValue(ClusterLock.METHOD, call.getMethodDescriptor().getFullMethodName());
    return Contexts.interceptCall(context, call, headers, next);
  }
}
