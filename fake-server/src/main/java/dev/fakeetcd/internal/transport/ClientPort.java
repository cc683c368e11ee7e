package dev.fakeetcd.internal.transport;

import dev.fakeetcd.internal.http.HttpDispatcher;
import dev.fakeetcd.internal.http.HttpRoute;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.ByteToMessageDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpObjectAggregator;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerCodec;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One member's client port as etcd's cmux splits it: each connection (inside TLS, if set) that
 * opens with the HTTP/2 preface goes to gRPC; any other goes to the HTTP/1.1 routes. A gRPC
 * server's protocol negotiator, so both sides share the server's port, its accept loop and its
 * shutdown; one per start of the port.
 */
final class ClientPort implements InternalProtocolNegotiator.ProtocolNegotiator {

  private static final byte[] HTTP2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final SslContext ssl;
  private final List<HttpRoute> routes;
  private final int maxHttpRequestBytes;
  /** Connections not (yet) handed to gRPC: gRPC's graceful shutdown does not end them. */
  private final Set<Channel> nonGrpc = ConcurrentHashMap.newKeySet();

  /** @param ssl the server's TLS context (ALPN h2 and http/1.1), or null for plaintext */
  ClientPort(SslContext ssl, List<HttpRoute> routes, int maxHttpRequestBytes) {
    this.ssl = ssl;
    this.routes = List.copyOf(routes);
    this.maxHttpRequestBytes = maxHttpRequestBytes;
  }

  @Override
  public AsciiString scheme() {
    return AsciiString.of(ssl == null ? "http" : "https");
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpc) {
    return new Sniffer(grpc);
  }

  @Override
  public void close() {
  }

  /** Closes the connections gRPC does not serve (HTTP/1.1 ones, and those not yet sorted). */
  void closeNonGrpc() {
    nonGrpc.forEach(Channel::close);
  }

  /**
   * Sits where gRPC's negotiation handler would: completes the TLS handshake if any, then reads
   * until the first bytes tell the protocol and rebuilds the pipeline for it. gRPC's negotiation
   * event, fired when the connection is set up, is held until then.
   */
  private final class Sniffer extends ByteToMessageDecoder {
    private final GrpcHttp2ConnectionHandler grpc;
    private ProtocolNegotiationEvent negotiation = InternalProtocolNegotiationEvent.getDefault();
    private SslHandler tls;

    Sniffer(GrpcHttp2ConnectionHandler grpc) {
      this.grpc = grpc;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      Channel channel = ctx.channel();
      nonGrpc.add(channel);
      channel.closeFuture().addListener(f -> nonGrpc.remove(channel));
      if (ssl != null) {
        tls = ssl.newHandler(ctx.alloc());
        ctx.pipeline().addBefore(ctx.name(), null, tls);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof ProtocolNegotiationEvent e) {
        negotiation = e;
      } else if (event instanceof SslHandshakeCompletionEvent done) {
        if (!done.isSuccess()) {
          ctx.close(); // a bad certificate: the client has its alert, nothing to log here
        }
      } else {
        super.userEventTriggered(ctx, event);
      }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int seen = Math.min(in.readableBytes(), HTTP2_PREFACE.length);
      for (int i = 0; i < seen; i++) {
        if (in.getByte(in.readerIndex() + i) != HTTP2_PREFACE[i]) {
          toHttp(ctx);
          return;
        }
      }
      if (seen == HTTP2_PREFACE.length) {
        toGrpc(ctx);
      }
    }

    /** As gRPC's own negotiators: the connection's addresses (and TLS session) as attributes. */
    private void toGrpc(ChannelHandlerContext ctx) {
      nonGrpc.remove(ctx.channel());
      Attributes.Builder attributes = InternalProtocolNegotiationEvent.getAttributes(negotiation)
          .toBuilder()
          .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, ctx.channel().localAddress())
          .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, ctx.channel().remoteAddress());
      if (tls != null) {
        attributes.set(Grpc.TRANSPORT_ATTR_SSL_SESSION, tls.engine().getSession());
      }
      ctx.pipeline().addAfter(ctx.name(), null,
          InternalProtocolNegotiators.grpcNegotiationHandler(grpc));
      // Installs gRPC's HTTP/2 handler next to this one; the bytes read so far follow it there
      // when this handler leaves.
      ctx.fireUserEventTriggered(
          InternalProtocolNegotiationEvent.withAttributes(negotiation, attributes.build()));
      ctx.pipeline().remove(this);
    }

    private void toHttp(ChannelHandlerContext ctx) {
      ctx.pipeline().addAfter(ctx.name(), "http-codec", new HttpServerCodec())
          .addAfter("http-codec", "http-aggregator", new HttpObjectAggregator(maxHttpRequestBytes))
          .addAfter("http-aggregator", "http-routes", new HttpDispatcher(routes));
      ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a broken handshake or connection before any protocol: nothing to tell
    }
  }
}
