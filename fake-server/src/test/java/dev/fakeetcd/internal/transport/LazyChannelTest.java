package dev.fakeetcd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fakeetcd.internal.v3rpc.HealthService;
import dev.fakeetcd.testing.GrpcHealth;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LazyChannelTest {

  private final String name = InProcessServerBuilder.generateName();
  private final AtomicInteger made = new AtomicInteger();
  private final LazyChannel channel = new LazyChannel(() -> {
    made.incrementAndGet();
    return InProcessChannelBuilder.forName(name).directExecutor().build();
  });
  private Server server;

  @BeforeEach
  void start() throws Exception {
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(HealthService.definition()).build().start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void newCall_twice_makesOneChannel() {
    assertThat(made).hasValue(0);

    check();
    check();

    assertThat(made).hasValue(1);
  }

  @Test
  void shutdownNow_beforeAnyCall_makesNoChannelAndIsTerminated() throws InterruptedException {
    channel.shutdownNow();

    assertThat(channel.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(channel.isShutdown()).isTrue();
    assertThat(made).hasValue(0);
  }

  @Test
  void newCall_afterShutdownNow_failsUnavailable() {
    channel.shutdownNow();

    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
        this::check);

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void shutdownNow_afterCall_terminatesTheChannel() throws InterruptedException {
    check();

    channel.shutdownNow();

    assertThat(channel.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(channel.isTerminated()).isTrue();
  }

  private void check() {
    ClientCalls.blockingUnaryCall(channel, GrpcHealth.CHECK, CallOptions.DEFAULT, new byte[0]);
  }
}
