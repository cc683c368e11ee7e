package dev.fakeetcd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.sim.SimConfig;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * In-process, where the conformance suite (TCP only) does not reach: the transport's answers in
 * grpc-go's words (TransportEdgesConformanceTest pins them against etcd over TCP).
 */
class GrpcGoAnswersTest {

  private Cluster cluster;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    cluster = MemberEndpoints.start(63, SimConfig.builder().members(1).build(),
        ServerSettings.defaults()).cluster();
    channel = InProcessChannelBuilder.forName(cluster.inProcessName(0)).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    cluster.close();
  }

  @Test
  void unaryCall_endedWithoutRequest_failsUnknownEof() throws Exception {
    ClientCall<RangeRequest, RangeResponse> call =
        channel.newCall(KVGrpc.getRangeMethod(), CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(1);
    call.halfClose();

    Status status = closed.get(10, TimeUnit.SECONDS);

    assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(status.getDescription()).isEqualTo("EOF");
  }

  @Test
  void unknownMethod_ofAServedService_failsUnimplementedInGrpcGoWords() {
    MethodDescriptor<RangeRequest, RangeResponse> made = KVGrpc.getRangeMethod().toBuilder()
        .setFullMethodName("etcdserverpb.KV/Nonexistent").build();

    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel, made,
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
            RangeRequest.getDefaultInstance()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(failure.getStatus().getDescription())
        .isEqualTo("unknown method Nonexistent for service etcdserverpb.KV");
  }
}
