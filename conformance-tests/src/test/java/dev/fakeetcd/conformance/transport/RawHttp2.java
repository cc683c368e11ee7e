package dev.fakeetcd.conformance.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal HTTP/2 client for one gRPC stream, frame by frame: what grpc-java's client cannot
 * send (lying length prefixes, empty DATA frames, a stream ended without a message, any header).
 * Netty's HPACK encoder and frame reader do the coding; frames are written by hand.
 */
final class RawHttp2 {

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int SETTINGS = 4;
  private static final int PING = 6;
  private static final int END_STREAM = 0x1;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int STREAM = 1;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
  private final URI endpoint;

  private RawHttp2(URI endpoint) {
    this.endpoint = endpoint;
    out.writeBytes(PREFACE);
    frame(out, SETTINGS, 0, 0, new byte[0]);
  }

  /** A connection to {@code endpoint}, sent only by {@link #send}. */
  static RawHttp2 to(URI endpoint) {
    return new RawHttp2(endpoint);
  }

  /**
   * The stream's HEADERS to {@code path}: gRPC's request headers, with each name/value pair of
   * {@code overrides} set in place of or besides them.
   */
  RawHttp2 headers(String path, boolean endStream, String... overrides) {
    Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http").path(path)
        .authority(endpoint.getHost() + ":" + endpoint.getPort())
        .set("content-type", "application/grpc").set("te", "trailers");
    for (int i = 0; i < overrides.length; i += 2) {
      headers.set(overrides[i], overrides[i + 1]);
    }
    ByteBuf block = Unpooled.buffer();
    try {
      encoder.encodeHeaders(STREAM, headers, block);
    } catch (Http2Exception e) {
      throw new IllegalArgumentException(e);
    }
    byte[] bytes = new byte[block.readableBytes()];
    block.readBytes(bytes);
    frame(out, HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), STREAM, bytes);
    return this;
  }

  /** A DATA frame with {@code payload} as it is, the stream ended or not. */
  RawHttp2 data(byte[] payload, boolean endStream) {
    frame(out, DATA, endStream ? END_STREAM : 0, STREAM, payload);
    return this;
  }

  /** {@code body} framed as a gRPC message, uncompressed. */
  static byte[] message(byte[] body) {
    return message(body.length, body);
  }

  /** A gRPC message frame: uncompressed flag, {@code claimedLength}, then {@code body}. */
  static byte[] message(int claimedLength, byte[] body) {
    byte[] framed = new byte[5 + body.length];
    framed[1] = (byte) (claimedLength >>> 24);
    framed[2] = (byte) (claimedLength >>> 16);
    framed[3] = (byte) (claimedLength >>> 8);
    framed[4] = (byte) claimedLength;
    System.arraycopy(body, 0, framed, 5, body.length);
    return framed;
  }

  private static void frame(ByteArrayOutputStream out, int type, int flags, int stream,
      byte[] payload) {
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.write(type);
    out.write(flags);
    out.write(stream >>> 24);
    out.write(stream >>> 16);
    out.write(stream >>> 8);
    out.write(stream);
    out.writeBytes(payload);
  }

  /**
   * Sends everything written so far on a new connection and reads until the stream ends (trailers
   * or RST_STREAM), the connection ends (GOAWAY or close), or {@code wait} passes.
   */
  Answer send(Duration wait) throws IOException {
    try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
      OutputStream toServer = socket.getOutputStream();
      toServer.write(out.toByteArray());
      toServer.flush();
      Reader reader = new Reader(toServer);
      InputStream fromServer = socket.getInputStream();
      long deadline = System.nanoTime() + wait.toNanos();
      ByteBuf received = Unpooled.buffer();
      // The frame reader allocates through a context; an idle embedded channel provides one.
      EmbeddedChannel context = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
      byte[] chunk = new byte[16384];
      while (!reader.done) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
        int n;
        try {
          n = fromServer.read(chunk);
        } catch (SocketTimeoutException e) {
          break;
        } catch (IOException e) {
          reader.closed = true;
          break;
        }
        if (n < 0) {
          reader.closed = true;
          break;
        }
        received.writeBytes(chunk, 0, n);
        try {
          reader.frames.readFrame(context.pipeline().firstContext(), received, reader);
        } catch (Http2Exception e) {
          throw new IOException("unreadable frames from the server", e);
        }
        received.discardReadBytes();
      }
      context.finishAndReleaseAll();
      return reader.answer();
    }
  }

  /** What came back on the stream; absent parts are null. */
  record Answer(String httpStatus, boolean data, String grpcStatus, String grpcMessage,
      Long reset, Long goAway, boolean closed) {

    /**
     * One line, e.g. {@code grpc-status 13: message}, {@code data} (messages, the stream still
     * open), {@code RST_STREAM 2} or {@code nothing}.
     */
    String describe() {
      List<String> parts = new ArrayList<>();
      if (httpStatus != null && !httpStatus.equals("200")) {
        parts.add(":status " + httpStatus);
      }
      if (data) {
        parts.add("data");
      }
      if (grpcStatus != null) {
        parts.add("grpc-status " + grpcStatus + ": " + grpcMessage);
      }
      if (reset != null) {
        parts.add("RST_STREAM " + reset);
      }
      if (goAway != null) {
        parts.add("GOAWAY " + goAway);
      }
      if (closed) {
        parts.add("connection closed");
      }
      return parts.isEmpty() ? "nothing" : String.join(", ", parts);
    }
  }

  private static final class Reader extends Http2FrameAdapter {
    final DefaultHttp2FrameReader frames = new DefaultHttp2FrameReader();
    final OutputStream toServer;
    Http2Headers first;
    Http2Headers trailers;
    Long reset;
    Long goAway;
    boolean data;
    boolean closed;
    boolean done;

    Reader(OutputStream toServer) {
      this.toServer = toServer;
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
        int padding, boolean endOfStream) {
      if (first == null) {
        first = headers;
      }
      if (endOfStream) {
        trailers = headers;
        done = true;
      }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
        int streamDependency, short weight, boolean exclusive, int padding, boolean endOfStream) {
      onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf bytes, int padding,
        boolean endOfStream) {
      data |= bytes.isReadable();
      done |= endOfStream;
      return bytes.readableBytes() + padding;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
      reset = errorCode;
      done = true;
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode,
        ByteBuf debugData) {
      goAway = errorCode;
      done = true;
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
      reply(SETTINGS, ACK, new byte[0]);
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) {
      byte[] payload = new byte[8];
      for (int i = 0; i < 8; i++) {
        payload[i] = (byte) (data >>> (56 - 8 * i));
      }
      reply(PING, ACK, payload);
    }

    private void reply(int type, int flags, byte[] payload) {
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame(frame, type, flags, 0, payload);
      try {
        toServer.write(frame.toByteArray());
        toServer.flush();
      } catch (IOException e) {
        closed = true;
      }
    }

    Answer answer() {
      String status = first == null ? null : string(first.status());
      String grpcStatus = trailers == null ? null : string(trailers.get("grpc-status"));
      String message = trailers == null ? null : string(trailers.get("grpc-message"));
      return new Answer(status, data, grpcStatus,
          message == null ? null : URLDecoder.decode(message.replace("+", "%2B"),
              StandardCharsets.UTF_8),
          reset, goAway, closed && !done);
    }

    private static String string(CharSequence value) {
      return value == null ? null : value.toString();
    }
  }
}
