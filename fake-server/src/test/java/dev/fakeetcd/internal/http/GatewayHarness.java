package dev.fakeetcd.internal.http;

import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.channel.embedded.EmbeddedChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaders;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A one-member fake cluster with a {@link GatewayRoute} on an {@link EmbeddedChannel}. The
 * route's call callbacks are queued for the test thread, which runs them as the channel's event
 * loop would (an embedded channel lives on one thread).
 */
final class GatewayHarness implements AutoCloseable {

  /** What the route wrote for one request. */
  record Reply(HttpResponse head, String body, HttpHeaders trailers, boolean ended) {
    int status() {
      return head.status().code();
    }

    String header(String name) {
      return head.headers().get(name);
    }
  }

  private static final Duration CEILING = Duration.ofSeconds(10);

  final EtcdCluster cluster = FakeEtcd.newCluster(ClusterConfig.builder().members(1).build());
  private final ManagedChannel grpc = cluster.inProcessChannel(cluster.members().get(0));
  private final BlockingQueue<Runnable> callbacks = new LinkedBlockingQueue<>();
  final GatewayRoute route = new GatewayRoute(ClientInterceptors.intercept(grpc, onTestThread()),
      () -> false);
  private final EmbeddedChannel channel = new EmbeddedChannel(
      new SimpleChannelInboundHandler<FullHttpRequest>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
          route.serve(ctx, request);
        }
      });

  private ClientInterceptor onTestThread() {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
          CallOptions options, Channel next) {
        return next.newCall(method, options.withExecutor(callbacks::add));
      }
    };
  }

  /** POSTs {@code body} to {@code path} and waits for the whole reply. */
  Reply post(String path, String body, String... headers) {
    send(HttpMethod.POST, path, body, headers);
    return await(Integer.MAX_VALUE);
  }

  /** Sends a request; {@link #await} reads what comes back. */
  void send(HttpMethod method, String path, String body, String... headers) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    for (int i = 0; i < headers.length; i += 2) {
      request.headers().set(headers[i], headers[i + 1]);
    }
    channel.writeInbound(request);
  }

  /** The reply so far, once it has ended or has {@code lines} newline-ended lines of body. */
  Reply await(int lines) {
    HttpResponse head = null;
    StringBuilder body = new StringBuilder();
    long deadline = System.nanoTime() + CEILING.toNanos();
    while (true) {
      Object out;
      while ((out = channel.readOutbound()) != null) {
        if (out instanceof HttpResponse response) {
          head = response;
        }
        if (out instanceof HttpContent content) {
          body.append(content.content().toString(StandardCharsets.UTF_8));
          content.release();
        }
        if (out instanceof LastHttpContent last) {
          return new Reply(head, body.toString(), last.trailingHeaders(), true);
        }
      }
      if (head != null && body.chars().filter(c -> c == '\n').count() >= lines) {
        return new Reply(head, body.toString(), null, false);
      }
      try {
        Runnable task = callbacks.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (task == null) {
          throw new AssertionError("no reply within " + CEILING + "; so far: " + body);
        }
        task.run();
        channel.runPendingTasks();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
    grpc.shutdownNow();
    cluster.close();
  }
}
