package dev.fakeetcd.internal.transport;

import dev.fakeetcd.internal.sim.Trace;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Client calls in the trace: this interceptor puts each call's gRPC method in its {@link Context},
 * and the call is recorded ({@link #record}) where it enters the simulation, under the cluster
 * lock, so that its place among the other events is as reproducible as the call itself.
 */
public final class CallTrace implements ServerInterceptor {

  public static final CallTrace INSTANCE = new CallTrace();

  private static final Context.Key<String> METHOD = Context.key("fake-etcd-method");

  private CallTrace() {
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Context context = Context.current()
        .withValue(METHOD, call.getMethodDescriptor().getFullMethodName());
    return Contexts.interceptCall(context, call, headers, next);
  }

  /**
   * Records that the gRPC call this thread serves reached {@code member}; nothing outside a call
   * (e.g. when a paused member takes a call it put off). Call under the cluster lock.
   */
  public static void record(Trace trace, long member) {
    record(trace, member, "");
  }

  /** As {@link #record(Trace, long)}, for a request on an open stream: {@code what} names it. */
  public static void record(Trace trace, long member, String what) {
    String method = METHOD.get();
    if (method != null) {
      String detail = what.isEmpty() ? "" : " " + what;
      trace.record(Trace.Type.CLIENT, member, "call " + method + detail);
    }
  }
}
