package dev.fakeetcd.internal.http;

import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/**
 * The end of a client port's HTTP/1.1 pipeline: each complete request to the first route that
 * serves its path, else etcd's 404. Nothing an HTTP client sends reaches gRPC or the log.
 */
public final class HttpDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {

  private final List<HttpRoute> routes;

  public HttpDispatcher(List<HttpRoute> routes) {
    this.routes = List.copyOf(routes);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      // Go's server answers an unreadable request so, and closes.
      HttpResponses.send(ctx, null, HttpResponseStatus.BAD_REQUEST, HttpResponses.TEXT,
          "400 Bad Request");
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    for (HttpRoute route : routes) {
      if (route.serves(path)) {
        route.serve(ctx, request);
        return;
      }
    }
    HttpResponses.notFound(ctx, request);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset connection, say: the client is gone, nothing to answer or log
  }
}
