package dev.fakeetcd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.TestCertificates;
import dev.fakeetcd.internal.http.HttpResponses;
import dev.fakeetcd.internal.http.HttpRoute;
import dev.fakeetcd.internal.server.CallerToken;
import dev.fakeetcd.internal.v3rpc.HealthService;
import dev.fakeetcd.testing.GrpcHealth;
import dev.fakeetcd.testing.RawHttp;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The port's protocol split on its own: what each side sees of the connection. */
class ClientPortTest {


  @TempDir
  Path dir;

  private final AtomicReference<Attributes> seen = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void grpcCall_seesTheClientCertificateInItsSslSession() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    TestCertificates.ClientCertificate alice = certs.client("alice");
    start(new ClientPort(new PortTls(certs.serverCertFile(), certs.serverKeyFile(), certs.caFile(),
        true).context(), List.of(), 1024));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
        .sslContext(GrpcSslContexts.forClient().trustManager(certs.caFile().toFile())
            .keyManager(alice.certFile().toFile(), alice.keyFile().toFile()).build()).build();

    ClientCalls.blockingUnaryCall(channel, GrpcHealth.CHECK, CallOptions.DEFAULT, new byte[0]);

    SSLSession session = seen.get().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    assertThat(CallerToken.commonName(session)).isEqualTo("alice");
  }

  @Test
  void grpcCall_seesItsPeerAddressInPlaintext() {
    start(new ClientPort(null, List.of(), 1024));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();

    ClientCalls.blockingUnaryCall(channel, GrpcHealth.CHECK, CallOptions.DEFAULT, new byte[0]);

    assertThat(seen.get().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)).isInstanceOf(InetSocketAddress.class);
    assertThat(seen.get().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)).isNull();
  }

  @Test
  void httpRequest_goesToTheFirstRouteServingItsPath() {
    HttpRoute teapot = new HttpRoute() {
      @Override
      public boolean serves(String path) {
        return path.startsWith("/v3/");
      }

      @Override
      public void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpResponses.send(ctx, request, HttpResponseStatus.OK, HttpResponses.TEXT,
            request.method() + " " + request.uri());
      }
    };
    start(new ClientPort(null, List.of(teapot), 1024));

    RawHttp.Response response =
        RawHttp.get(URI.create("http://127.0.0.1:" + server.getPort()), "/v3/kv/range?x=1");

    assertThat(response.body()).isEqualTo("GET /v3/kv/range?x=1");
  }

  private void start(ClientPort port) {
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        seen.set(call.getAttributes());
        return next.startCall(call, headers);
      }
    };
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
              InternalNettyServerCredentials.create(port))
          .addService(ServerInterceptors.intercept(HealthService.definition(), capture))
          .build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
