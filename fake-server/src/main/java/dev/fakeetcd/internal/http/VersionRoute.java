package dev.fakeetcd.internal.http;

import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;

/** etcd's {@code GET /version}: the versions the fake's Status claims. */
public final class VersionRoute implements HttpRoute {

  private final String body;

  /** @param server etcd's version ({@code 3.4.23}) @param cluster the cluster's ({@code 3.4.0}) */
  public VersionRoute(String server, String cluster) {
    body = "{\"etcdserver\":\"" + server + "\",\"etcdcluster\":\"" + cluster + "\"}";
  }

  @Override
  public boolean serves(String path) {
    return path.equals("/version");
  }

  @Override
  public void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.method().equals(HttpMethod.GET)) {
      HttpResponses.methodNotAllowed(ctx, request, "GET");
      return;
    }
    HttpResponses.send(ctx, request, HttpResponseStatus.OK, "application/json", body);
  }
}
