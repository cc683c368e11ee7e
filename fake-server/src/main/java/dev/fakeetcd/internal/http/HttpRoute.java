package dev.fakeetcd.internal.http;

import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;

/**
 * One family of HTTP/1.1 paths served on a member's client port ({@code /health}, {@code
 * /metrics}, the {@code /v3/} JSON gateway...). The port's HTTP/1.1 pipeline hands each complete
 * request to the first route that serves its path; a request no route serves gets etcd's 404.
 */
public interface HttpRoute {

  /** Whether this route serves {@code path} (the request's path, without its query). */
  boolean serves(String path);

  /**
   * Serves {@code request} on {@code ctx}'s channel: writes a complete response, or a streamed one
   * (chunked, ended when the stream ends or the channel closes). Runs on the channel's event loop;
   * must not block it (waiting for the cluster goes through futures). The request is released by
   * the caller after this returns.
   */
  void serve(ChannelHandlerContext ctx, FullHttpRequest request);
}
