package dev.fakeetcd.internal.transport;

import dev.fakeetcd.internal.server.ClusterLock;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the calls on their way into the simulation, from the moment a member's server takes them
 * until they have handed it their work, so that a call waiting on time in AUTO_ADVANCE mode does
 * not jump past them ({@link ClusterLock#settle}): between the interceptors, each of which takes
 * the cluster lock briefly, a call is on its way but holds nothing a waiting thread could see. The
 * outermost interceptor. A call stops counting when it enters the simulation (see
 * {@link ClusterLock}), else once its service method has been invoked (at start for streams from
 * the client, after the half-close for the others) or the call ends.
 */
final class Arrivals implements ServerInterceptor {

  private final AtomicInteger count;

  Arrivals(AtomicInteger count) {
    this.count = count;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    AtomicBoolean arriving = new AtomicBoolean(true);
    count.incrementAndGet();
    Runnable done = () -> {
      if (arriving.compareAndSet(true, false)) {
        count.decrementAndGet();
      }
    };
    ServerCall.Listener<Q> listener;
    try {
      listener = Contexts.interceptCall(
          Context.current().withValue(ClusterLock.ARRIVING, arriving), call, headers, next);
    } finally {
      if (!call.getMethodDescriptor().getType().clientSendsOneMessage()) {
        done.run(); // the service method ran in startCall
      }
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } finally {
          done.run();
        }
      }

      @Override
      public void onCancel() {
        done.run();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        done.run();
        super.onComplete();
      }
    };
  }
}
