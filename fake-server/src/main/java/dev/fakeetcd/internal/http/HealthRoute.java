package dev.fakeetcd.internal.http;

import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberServer;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.stub.StreamObserver;

/**
 * etcd 3.4's {@code GET /health} ({@code etcdhttp.NewHealthHandler}): {@code {"health":"true"}}
 * (200), or {@code {"health":"false"}} (503, written as {@code http.Error} writes) under an alarm,
 * without a leader, or when a quorum read fails ({@link MemberServer#health}).
 */
public final class HealthRoute implements HttpRoute {

  private final Cluster cluster;
  private final MemberServer member;

  public HealthRoute(Cluster cluster, MemberServer member) {
    this.cluster = cluster;
    this.member = member;
  }

  @Override
  public boolean serves(String path) {
    return path.equals("/health");
  }

  @Override
  public void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.method().equals(HttpMethod.GET)) {
      HttpResponses.methodNotAllowed(ctx, request, "GET");
      return;
    }
    // The answer is written from the reply pool, outside the cluster lock, once the check is done.
    HttpRequest head = new DefaultHttpRequest(request.protocolVersion(), request.method(),
        request.uri(), request.headers().copy()); // outlives the request, which is released
    cluster.call(member, new StreamObserver<Boolean>() {
      @Override
      public void onNext(Boolean healthy) {
        answer(ctx, head, healthy);
      }

      @Override
      public void onError(Throwable t) {
        answer(ctx, head, false);
      }

      @Override
      public void onCompleted() {
      }
    }, member::health);
  }

  private static void answer(ChannelHandlerContext ctx, HttpRequest request, boolean healthy) {
    if (healthy) {
      HttpResponses.send(ctx, request, HttpResponseStatus.OK, HttpResponses.TEXT,
          "{\"health\":\"true\"}");
    } else {
      HttpResponses.error(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE,
          "{\"health\":\"false\"}");
    }
  }
}
