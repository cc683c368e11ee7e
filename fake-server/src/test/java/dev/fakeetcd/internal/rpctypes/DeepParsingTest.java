package dev.fakeetcd.internal.rpctypes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.testing.RawBytes;
import io.grpc.CallOptions;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeepParsingTest {

  private static final MethodDescriptor<byte[], byte[]> RAW_RANGE =
      MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(KVGrpc.getRangeMethod().getFullMethodName())
          .setRequestMarshaller(RawBytes.MARSHALLER).setResponseMarshaller(RawBytes.MARSHALLER)
          .build();

  private final AtomicInteger ranges = new AtomicInteger();
  /** The statuses the interceptor saw its calls closed with. */
  private final List<Status.Code> closed = new CopyOnWriteArrayList<>();
  private final ServerInterceptor closes = new ServerInterceptor() {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      return next.startCall(new SimpleForwardingServerCall<>(call) {
        @Override
        public void close(Status status, Metadata trailers) {
          closed.add(status.getCode());
          super.close(status, trailers);
        }
      }, headers);
    }
  };
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void requests_sameServiceTwice_sharesItsDescriptors() throws Exception {
    ServerServiceDefinition first = DeepParsing.requests(kv().bindService(), closes);
    ServerServiceDefinition second = DeepParsing.requests(kv().bindService(), closes);
    serve(second);

    assertThat(second.getServiceDescriptor()).isSameAs(first.getServiceDescriptor());
    String range = KVGrpc.getRangeMethod().getFullMethodName();
    assertThat(second.getMethod(range).getMethodDescriptor())
        .isSameAs(first.getMethod(range).getMethodDescriptor());
  }

  @Test
  void requests_wellFormedRequest_reachesTheHandlerBehindTheInterceptor() throws Exception {
    serve(DeepParsing.requests(kv().bindService(), closes));

    ClientCalls.blockingUnaryCall(channel, RAW_RANGE, CallOptions.DEFAULT,
        RangeRequest.newBuilder().build().toByteArray());

    assertThat(ranges).hasValue(1);
    assertThat(closed).containsExactly(Status.Code.OK);
  }

  @Test
  void requests_undecodableRequest_isRefusedInternalThroughTheInterceptor() throws Exception {
    serve(DeepParsing.requests(kv().bindService(), closes));

    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel, RAW_RANGE, CallOptions.DEFAULT,
            HexFormat.of().parseHex("0affffffffffffffffff7f")));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(refused.getStatus().getDescription()).isEqualTo(
        "grpc: error unmarshalling request: proto: negative length found during unmarshaling");
    assertThat(ranges).hasValue(0);
    assertThat(closed).containsExactly(Status.Code.INTERNAL);
  }

  private KVGrpc.KVImplBase kv() {
    return new KVGrpc.KVImplBase() {
      @Override
      public void range(RangeRequest request, StreamObserver<RangeResponse> responses) {
        ranges.incrementAndGet();
        responses.onNext(RangeResponse.getDefaultInstance());
        responses.onCompleted();
      }
    };
  }

  private void serve(ServerServiceDefinition service) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build()
        .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }
}
