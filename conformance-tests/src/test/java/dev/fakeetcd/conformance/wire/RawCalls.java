package dev.fakeetcd.conformance.wire;

import dev.fakeetcd.testing.RawBytes;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Calls that send request bytes as given, well-formed or not, and return the answer's bytes. */
final class RawCalls {

  private RawCalls() {}

  /** Sends {@code hex} (spaces allowed) as the request of unary {@code method}; the response. */
  static byte[] unary(ManagedChannel channel, String method, String hex) {
    return ClientCalls.blockingUnaryCall(channel, descriptor(method, MethodDescriptor.MethodType.UNARY),
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), bytes(hex));
  }

  /**
   * Sends {@code hex} as the one request of streaming {@code method}, without half-closing, and
   * returns the status the server ends the stream with.
   */
  static Status streamEnd(ManagedChannel channel, String method, String hex) {
    CompletableFuture<Status> end = new CompletableFuture<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(
        descriptor(method, MethodDescriptor.MethodType.BIDI_STREAMING),
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)), new StreamObserver<>() {
          @Override
          public void onNext(byte[] response) {
          }

          @Override
          public void onError(Throwable failure) {
            end.complete(Status.fromThrowable(failure));
          }

          @Override
          public void onCompleted() {
            end.complete(Status.OK);
          }
        });
    requests.onNext(bytes(hex));
    return end.orTimeout(15, TimeUnit.SECONDS).join();
  }

  private static MethodDescriptor<byte[], byte[]> descriptor(String method,
      MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName(method)
        .setRequestMarshaller(RawBytes.MARSHALLER).setResponseMarshaller(RawBytes.MARSHALLER)
        .build();
  }

  private static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }
}
