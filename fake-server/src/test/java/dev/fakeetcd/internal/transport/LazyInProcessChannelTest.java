package dev.fakeetcd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.ResponseHeader;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

class LazyInProcessChannelTest {

  private static final PutRequest PUT = PutRequest.getDefaultInstance();

  @Test
  void newCall_firstCall_reachesTheNamedServer() throws Exception {
    String name = "lazy-" + System.nanoTime();
    Server server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new KVGrpc.KVImplBase() {
          @Override
          public void put(PutRequest request, StreamObserver<PutResponse> responses) {
            responses.onNext(PutResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(7)).build());
            responses.onCompleted();
          }
        }).build().start();
    LazyInProcessChannel channel = new LazyInProcessChannel(name);
    try {
      assertThat(KVGrpc.newBlockingStub(channel).put(PUT).getHeader().getRevision()).isEqualTo(7);
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void newCall_afterShutdownNow_failsUnavailable() {
    LazyInProcessChannel channel = new LazyInProcessChannel("lazy-unused-" + System.nanoTime());
    channel.shutdownNow();

    assertThatThrownBy(() -> KVGrpc.newBlockingStub(channel).put(PUT))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }
}
