package dev.fakeetcd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.internal.v3rpc.HealthService;
import dev.fakeetcd.testing.GrpcHealth;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InterceptorChainTest {

  private final List<String> ran = new CopyOnWriteArrayList<>();

  @Test
  void interceptCall_chain_runsInServerInterceptorsOrder() throws Exception {
    List<ServerInterceptor> interceptors = List.of(named("a"), named("b"), named("c"));
    check(ServerInterceptors.intercept(HealthService.definition(),
        interceptors.toArray(ServerInterceptor[]::new)));
    List<String> separately = List.copyOf(ran);
    ran.clear();

    check(ServerInterceptors.intercept(HealthService.definition(),
        new InterceptorChain(interceptors)));

    assertThat(separately).containsExactly("c", "b", "a");
    assertThat(ran).isEqualTo(separately);
  }

  private ServerInterceptor named(String name) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        ran.add(name);
        return next.startCall(call, headers);
      }
    };
  }

  private static void check(ServerServiceDefinition service)
      throws IOException, InterruptedException {
    String name = InProcessServerBuilder.generateName();
    Server server = InProcessServerBuilder.forName(name).directExecutor().addService(service)
        .build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      ClientCalls.blockingUnaryCall(channel, GrpcHealth.CHECK, CallOptions.DEFAULT, new byte[0]);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
