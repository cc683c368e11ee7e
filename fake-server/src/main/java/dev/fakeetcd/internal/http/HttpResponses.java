package dev.fakeetcd.internal.http;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaders;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Complete HTTP/1.1 responses as etcd's client port writes them (Go's net/http, etcd's CORS). */
public final class HttpResponses {

  /** Go's {@code http.DetectContentType} of a JSON body and {@code http.Error}'s type. */
  public static final String TEXT = "text/plain; charset=utf-8";

  private HttpResponses() {
  }

  /**
   * Writes {@code body} as the answer to {@code request}, with etcd's CORS headers (its client
   * handler adds them to every answer) and a length; closes the connection after it unless the
   * request keeps it alive.
   */
  public static void send(ChannelHandlerContext ctx, HttpRequest request,
      HttpResponseStatus status, String contentType, String body) {
    write(ctx, request, response(status, body), contentType);
  }

  /** Go's {@code http.Error}: the message and a newline, as plain text. */
  public static void error(ChannelHandlerContext ctx, HttpRequest request,
      HttpResponseStatus status, String message) {
    send(ctx, request, status, TEXT, message + "\n");
  }

  /** Go's {@code http.NotFound}, which etcd's mux answers for any path nothing serves. */
  public static void notFound(ChannelHandlerContext ctx, HttpRequest request) {
    error(ctx, request, HttpResponseStatus.NOT_FOUND, "404 page not found");
  }

  /** etcd's answer to a method its handler does not take: 405 naming the one it takes. */
  public static void methodNotAllowed(ChannelHandlerContext ctx, HttpRequest request,
      String allowed) {
    FullHttpResponse response =
        response(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed\n");
    response.headers().set("Allow", allowed);
    write(ctx, request, response, TEXT);
  }

  private static FullHttpResponse response(HttpResponseStatus status, String body) {
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
  }

  private static void write(ChannelHandlerContext ctx, HttpRequest request,
      FullHttpResponse response, String contentType) {
    HttpHeaders headers = response.headers();
    cors(headers);
    // Go writes header names canonically; Netty's constants are lower case.
    headers.set("Content-Type", contentType);
    if (contentType.equals(TEXT) && response.status().code() >= 400) {
      headers.set("X-Content-Type-Options", "nosniff"); // http.Error sets it
    }
    headers.set("Content-Length", response.content().readableBytes());
    boolean keepAlive = request != null && HttpUtil.isKeepAlive(request);
    if (!keepAlive) {
      headers.set("Connection", "close");
    } else if (!request.protocolVersion().isKeepAliveDefault()) {
      headers.set("Connection", "keep-alive"); // an HTTP/1.0 client that asked for it
    }
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** etcd wraps its client port's HTTP side in a CORS handler that allows every origin. */
  static void cors(HttpHeaders headers) {
    headers.set("Access-Control-Allow-Headers", "accept, content-type, authorization")
        .set("Access-Control-Allow-Methods", "POST, GET, OPTIONS, PUT, DELETE")
        .set("Access-Control-Allow-Origin", "*");
  }
}
