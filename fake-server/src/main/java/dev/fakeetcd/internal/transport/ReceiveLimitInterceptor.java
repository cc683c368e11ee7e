package dev.fakeetcd.internal.transport;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * etcd's gRPC receive limit (max-request-bytes + 512 KiB), refused with grpc-go's own text. The
 * transports accept more than the limit so that this check, not grpc-java's differently worded
 * one, answers; it applies to the in-process transport too.
 */
final class ReceiveLimitInterceptor implements ServerInterceptor {

  private final int limit;

  ReceiveLimitInterceptor(int limit) {
    this.limit = limit;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private boolean refused;

      @Override
      public void onMessage(Q message) {
        int size = ((MessageLite) message).getSerializedSize();
        if (size > limit) {
          refused = true;
          call.close(Status.RESOURCE_EXHAUSTED.withDescription(
              "grpc: received message larger than max (" + size + " vs. " + limit + ")"),
              new Metadata());
          return;
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }
}
