package dev.fakeetcd.internal.transport;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * What grpc-go's receive path (server.go, processUnaryRPC, processStreamingRPC and recvMsg,
 * v1.26 as in etcd 3.4) answers before etcd's handlers, in its words: etcd's receive limit
 * (max-request-bytes + 512 KiB); a call in an encoding other than identity, as etcd installs no
 * decompressor (grpc-java itself refuses encodings it does not know, so only gzip reaches here);
 * a unary stream ended without a request. The transports accept more than the limit so that this
 * check, not grpc-java's differently worded one, answers; it applies in-process too.
 */
final class ReceiveInterceptor implements ServerInterceptor {

  private static final Metadata.Key<String> ENCODING =
      Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
  /** grpc-java's answer to a unary stream ended without a request (ServerCalls). */
  private static final String MISSING_REQUEST = "Half-closed without a request";

  private final int limit;

  ReceiveInterceptor(int limit) {
    this.limit = limit;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    boolean unary = call.getMethodDescriptor().getType() == MethodType.UNARY;
    String encoding = headers.get(ENCODING);
    if (encoding != null && !encoding.equals("identity")) {
      // Go's %q; encodings are tokens, so quoting is all it does to them.
      call.close(Status.UNIMPLEMENTED.withDescription(
          "grpc: Decompressor is not installed for grpc-encoding \"" + encoding + "\""),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    ServerCall<Q, R> answering = !unary ? call : new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        boolean noRequest = status.getCode() == Status.Code.INTERNAL
            && MISSING_REQUEST.equals(status.getDescription());
        super.close(noRequest ? Status.UNKNOWN.withDescription("EOF") : status, trailers);
      }
    };
    return new SimpleForwardingServerCallListener<>(next.startCall(answering, headers)) {
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
