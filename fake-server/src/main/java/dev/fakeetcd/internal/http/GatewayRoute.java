package dev.fakeetcd.internal.http;

import com.google.protobuf.Message;
import dev.fakeetcd.api.AuthGrpc;
import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.WatchGrpc;
import dev.fakeetcd.api.election.ElectionGrpc;
import dev.fakeetcd.api.lock.LockGrpc;
import dev.fakeetcd.internal.server.CallerToken;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultHttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultLastHttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderValues;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaders;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.QueryStringDecoder;
import io.grpc.netty.shaded.io.netty.util.concurrent.GenericFutureListener;
import io.grpc.netty.shaded.io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * etcd 3.4's JSON gateway (grpc-gateway v1) on one member: {@code POST /v3/<service>/<rpc>} with
 * a JSON request, answered by calling the member's own gRPC services over {@code member}, so every
 * RPC has one implementation. {@code /v3beta/} is the same as {@code /v3/}; streams answer
 * newline-delimited {@code {"result": ...}} objects.
 */
public final class GatewayRoute implements HttpRoute {

  private static final Metadata.Key<String> TOKEN =
      Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

  private static final String JSON = "application/json";
  /** By path; the same for every member, so made once. */
  private static final Map<String, MethodDescriptor<?, ?>> RPCS = rpcs();

  private final Channel member;
  /** Whether a client certificate's common name would be a user (client-cert-auth, auth on). */
  private final BooleanSupplier commonNamesAreUsers;

  /**
   * A gateway whose calls go over {@code member}, a channel to one member's gRPC services;
   * {@code commonNamesAreUsers} tells whether the member would take a client certificate's
   * common name as a user (then the gateway refuses such a request, as etcd's does).
   */
  public GatewayRoute(Channel member, BooleanSupplier commonNamesAreUsers) {
    this.member = member;
    this.commonNamesAreUsers = commonNamesAreUsers;
  }

  private static Map<String, MethodDescriptor<?, ?>> rpcs() {
    Map<String, MethodDescriptor<?, ?>> rpcs = new TreeMap<>();
    rpcs.put("/v3/kv/range", KVGrpc.getRangeMethod());
    rpcs.put("/v3/kv/put", KVGrpc.getPutMethod());
    rpcs.put("/v3/kv/deleterange", KVGrpc.getDeleteRangeMethod());
    rpcs.put("/v3/kv/txn", KVGrpc.getTxnMethod());
    rpcs.put("/v3/kv/compaction", KVGrpc.getCompactMethod());
    rpcs.put("/v3/watch", WatchGrpc.getWatchMethod());
    rpcs.put("/v3/lease/grant", LeaseGrpc.getLeaseGrantMethod());
    rpcs.put("/v3/lease/revoke", LeaseGrpc.getLeaseRevokeMethod());
    rpcs.put("/v3/kv/lease/revoke", LeaseGrpc.getLeaseRevokeMethod());
    rpcs.put("/v3/lease/keepalive", LeaseGrpc.getLeaseKeepAliveMethod());
    rpcs.put("/v3/lease/timetolive", LeaseGrpc.getLeaseTimeToLiveMethod());
    rpcs.put("/v3/kv/lease/timetolive", LeaseGrpc.getLeaseTimeToLiveMethod());
    rpcs.put("/v3/lease/leases", LeaseGrpc.getLeaseLeasesMethod());
    rpcs.put("/v3/kv/lease/leases", LeaseGrpc.getLeaseLeasesMethod());
    rpcs.put("/v3/cluster/member/add", ClusterGrpc.getMemberAddMethod());
    rpcs.put("/v3/cluster/member/remove", ClusterGrpc.getMemberRemoveMethod());
    rpcs.put("/v3/cluster/member/update", ClusterGrpc.getMemberUpdateMethod());
    rpcs.put("/v3/cluster/member/list", ClusterGrpc.getMemberListMethod());
    rpcs.put("/v3/cluster/member/promote", ClusterGrpc.getMemberPromoteMethod());
    rpcs.put("/v3/maintenance/alarm", MaintenanceGrpc.getAlarmMethod());
    rpcs.put("/v3/maintenance/status", MaintenanceGrpc.getStatusMethod());
    rpcs.put("/v3/maintenance/defragment", MaintenanceGrpc.getDefragmentMethod());
    // Hash and HashKV share this path in etcd's annotations; its gateway routes it to Hash.
    rpcs.put("/v3/maintenance/hash", MaintenanceGrpc.getHashMethod());
    rpcs.put("/v3/maintenance/snapshot", MaintenanceGrpc.getSnapshotMethod());
    rpcs.put("/v3/maintenance/transfer-leadership", MaintenanceGrpc.getMoveLeaderMethod());
    rpcs.put("/v3/auth/enable", AuthGrpc.getAuthEnableMethod());
    rpcs.put("/v3/auth/disable", AuthGrpc.getAuthDisableMethod());
    rpcs.put("/v3/auth/authenticate", AuthGrpc.getAuthenticateMethod());
    rpcs.put("/v3/auth/user/add", AuthGrpc.getUserAddMethod());
    rpcs.put("/v3/auth/user/get", AuthGrpc.getUserGetMethod());
    rpcs.put("/v3/auth/user/list", AuthGrpc.getUserListMethod());
    rpcs.put("/v3/auth/user/delete", AuthGrpc.getUserDeleteMethod());
    rpcs.put("/v3/auth/user/changepw", AuthGrpc.getUserChangePasswordMethod());
    rpcs.put("/v3/auth/user/grant", AuthGrpc.getUserGrantRoleMethod());
    rpcs.put("/v3/auth/user/revoke", AuthGrpc.getUserRevokeRoleMethod());
    rpcs.put("/v3/auth/role/add", AuthGrpc.getRoleAddMethod());
    rpcs.put("/v3/auth/role/get", AuthGrpc.getRoleGetMethod());
    rpcs.put("/v3/auth/role/list", AuthGrpc.getRoleListMethod());
    rpcs.put("/v3/auth/role/delete", AuthGrpc.getRoleDeleteMethod());
    rpcs.put("/v3/auth/role/grant", AuthGrpc.getRoleGrantPermissionMethod());
    rpcs.put("/v3/auth/role/revoke", AuthGrpc.getRoleRevokePermissionMethod());
    rpcs.put("/v3/election/campaign", ElectionGrpc.getCampaignMethod());
    rpcs.put("/v3/election/proclaim", ElectionGrpc.getProclaimMethod());
    rpcs.put("/v3/election/leader", ElectionGrpc.getLeaderMethod());
    rpcs.put("/v3/election/observe", ElectionGrpc.getObserveMethod());
    rpcs.put("/v3/election/resign", ElectionGrpc.getResignMethod());
    rpcs.put("/v3/lock/lock", LockGrpc.getLockMethod());
    rpcs.put("/v3/lock/unlock", LockGrpc.getUnlockMethod());
    return Collections.unmodifiableMap(rpcs);
  }

  /** The {@code /v3/} paths served, each a POST. */
  public List<String> paths() {
    return List.copyOf(RPCS.keySet());
  }

  private static boolean hasCommonName(ChannelHandlerContext ctx) {
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    String commonName = tls == null ? null : CallerToken.commonName(tls.engine().getSession());
    return commonName != null && !commonName.isEmpty();
  }

  @Override
  public boolean serves(String path) {
    return path.startsWith("/v3/") || path.startsWith("/v3beta/") || path.equals("/v3");
  }

  @Override
  public void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String path = new QueryStringDecoder(request.uri()).path();
    if (path.startsWith("/v3beta/")) {
      path = "/v3/" + path.substring("/v3beta/".length());
    }
    MethodDescriptor<?, ?> rpc = RPCS.get(path);
    if (path.startsWith("/v3/") && hasCommonName(ctx) && commonNamesAreUsers.getAsBoolean()) {
      // etcd's client handler (embed/serve.go): its gateway would call as itself, not as the CN.
      HttpResponses.error(ctx, request, HttpResponseStatus.BAD_REQUEST, "CommonName of client"
          + " sending a request against gateway will be ignored and not used as expected");
    } else if (request.method().equals(HttpMethod.OPTIONS)) {
      // etcd's CORS wrapper answers every preflight itself.
      respond(ctx, keepAlive, HttpResponseStatus.OK, null, "");
    } else if (path.equals("/v3")) {
      redirectToSubtree(ctx, keepAlive, request);
    } else if (rpc == null) {
      // grpc-gateway's own 404, not the mux's "404 page not found".
      HttpResponses.error(ctx, request, HttpResponseStatus.NOT_FOUND, "Not Found");
    } else if (!request.method().equals(HttpMethod.POST)) {
      HttpResponses.error(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED,
          "Method Not Allowed");
    } else {
      String body = request.content().toString(StandardCharsets.UTF_8);
      String token = request.headers().get(HttpHeaderNames.AUTHORIZATION);
      @SuppressWarnings("unchecked")
      MethodDescriptor<Message, Message> method = (MethodDescriptor<Message, Message>) rpc;
      new Exchange(ctx, keepAlive, method, token).run(body);
    }
  }

  /** One request's call: decodes, calls, and writes the answer as the gateway would. */
  private final class Exchange extends ClientCall.Listener<Message> {
    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final MethodDescriptor<Message, Message> method;
    private final String token;
    private final boolean streaming;
    private ClientCall<Message, Message> call;
    private Message unaryResponse;
    private boolean headersReceived;
    private boolean wroteHead;
    private final GenericFutureListener<Future<? super Void>> onDisconnect =
        f -> call.cancel("the HTTP client went away", null);

    Exchange(ChannelHandlerContext ctx, boolean keepAlive,
        MethodDescriptor<Message, Message> method, String token) {
      this.ctx = ctx;
      this.keepAlive = keepAlive;
      this.method = method;
      this.token = token;
      this.streaming = method.getType() != MethodDescriptor.MethodType.UNARY;
    }

    void run(String body) {
      List<Message> requests = new ArrayList<>();
      try {
        decode(body, requests);
      } catch (GoJson.SyntaxError | GatewayJson.BadRequest e) {
        if (method.getType() != MethodDescriptor.MethodType.BIDI_STREAMING) {
          respond(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, JSON,
              errorBody(Status.Code.INVALID_ARGUMENT, e.getMessage()));
          return;
        }
        if (requests.isEmpty()) {
          // A stream's first request is decoded before the call, and its error is not a status.
          respond(ctx, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, JSON,
              errorBody(Status.Code.UNKNOWN, e.getMessage()));
          return;
        }
        // Later ones are decoded by the stream's sender, which stops there and closes its side.
      }
      // Callbacks run on the connection's event loop, so writes keep their order and nothing waits.
      call = member.newCall(method, CallOptions.DEFAULT.withExecutor(ctx.executor()));
      Metadata headers = new Metadata();
      if (token != null) {
        headers.put(TOKEN, token);
      }
      ctx.channel().closeFuture().addListener(onDisconnect);
      call.start(this, headers);
      call.request(streaming ? 1 : 2);
      for (Message request : requests) {
        call.sendMessage(request);
      }
      call.halfClose();
    }

    /**
     * A unary or server-streaming call reads one JSON value (none is an empty request); a bidi
     * stream reads values until the body ends or one does not decode, as the gateway's sender
     * stops there and closes its side.
     */
    private void decode(String body, List<Message> requests)
        throws GoJson.SyntaxError, GatewayJson.BadRequest {
      Message prototype = (Message)
          ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
              .getMessagePrototype();
      boolean many = method.getType() == MethodDescriptor.MethodType.BIDI_STREAMING;
      int at = 0;
      do {
        int end = GoJson.valueEnd(body, at);
        if (end < 0) {
          if (!many) {
            requests.add(prototype);
          }
          return;
        }
        Message.Builder builder = prototype.newBuilderForType();
        GatewayJson.merge(body.substring(at, end), builder);
        requests.add(builder.build());
        at = end;
      } while (many);
    }

    @Override
    public void onHeaders(Metadata headers) {
      headersReceived = true;
    }

    @Override
    public void onMessage(Message message) {
      if (!streaming) {
        unaryResponse = message;
        return;
      }
      writeHead(HttpResponseStatus.OK);
      String chunk = "{\"result\":" + GatewayJson.print(message) + "}\n";
      // The next message is read once this one is written: a slow client holds the stream back.
      ctx.writeAndFlush(content(chunk)).addListener(f -> {
        if (f.isSuccess()) {
          call.request(1);
        }
      });
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      ctx.channel().closeFuture().removeListener(onDisconnect);
      if (!ctx.channel().isActive()) {
        return;
      }
      if (streaming) {
        endStream(status);
      } else if (status.isOk()) {
        FullHttpResponse response =
            full(HttpResponseStatus.OK, JSON, GatewayJson.print(unaryResponse));
        response.headers().set("Grpc-Metadata-Content-Type", "application/grpc");
        send(ctx, keepAlive, response);
      } else {
        // A failed call's answer carries the call's trailers, so Go streams it chunked.
        HttpResponse head = chunkedHead(httpStatus(status.getCode()));
        head.headers().set("Trailer", "Grpc-Trailer-Content-Type");
        ctx.write(head);
        ctx.write(content(errorBody(status.getCode(), message(status))));
        DefaultLastHttpContent last = new DefaultLastHttpContent();
        last.trailingHeaders().set("Grpc-Trailer-Content-Type", "application/grpc");
        finish(ctx.writeAndFlush(last));
      }
    }

    private void endStream(Status status) {
      if (!status.isOk()) {
        HttpResponseStatus http = httpStatus(status.getCode());
        writeHead(http);
        StringBuilder error = new StringBuilder("{\"error\":{");
        if (status.getCode().value() != 0) {
          error.append("\"grpc_code\":").append(status.getCode().value()).append(',');
        }
        error.append("\"http_code\":").append(http.code());
        if (!message(status).isEmpty()) {
          error.append(",\"message\":").append(GoJson.quote(message(status)));
        }
        error.append(",\"http_status\":").append(GoJson.quote(http.reasonPhrase())).append("}}");
        ctx.write(content(error.toString()));
      } else {
        writeHead(HttpResponseStatus.OK);
      }
      finish(ctx.writeAndFlush(new DefaultLastHttpContent()));
    }

    /** The stream's head goes out with its first chunk, with that chunk's status (Go's way). */
    private void writeHead(HttpResponseStatus status) {
      if (wroteHead) {
        return;
      }
      wroteHead = true;
      HttpResponse head = chunkedHead(status);
      if (headersReceived) {
        head.headers().set("Grpc-Metadata-Content-Type", "application/grpc");
      }
      ctx.write(head);
    }

    /** A JSON answer's head whose body follows in chunks (Go's names for the headers). */
    private HttpResponse chunkedHead(HttpResponseStatus status) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
      head.headers().set("Content-Type", JSON).set("Transfer-Encoding", HttpHeaderValues.CHUNKED);
      if (!keepAlive) {
        head.headers().set("Connection", "close");
      }
      HttpResponses.cors(head.headers());
      return head;
    }

    private void finish(ChannelFuture done) {
      if (!keepAlive) {
        done.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  private static String message(Status status) {
    return status.getDescription() == null ? "" : status.getDescription();
  }

  /** grpc-gateway v1's error body, in jsonpb's field order, empty fields left out. */
  static String errorBody(Status.Code code, String message) {
    StringBuilder body = new StringBuilder("{");
    if (!message.isEmpty()) {
      body.append("\"error\":").append(GoJson.quote(message))
          .append(",\"message\":").append(GoJson.quote(message)).append(',');
    }
    return body.append("\"code\":").append(code.value()).append('}').toString();
  }

  /** grpc-gateway v1's {@code HTTPStatusFromCode} as etcd 3.4 vendors it. */
  static HttpResponseStatus httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> HttpResponseStatus.OK;
      case CANCELLED -> HttpResponseStatus.REQUEST_TIMEOUT;
      case INVALID_ARGUMENT, OUT_OF_RANGE -> HttpResponseStatus.BAD_REQUEST;
      case DEADLINE_EXCEEDED -> HttpResponseStatus.GATEWAY_TIMEOUT;
      case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
      case ALREADY_EXISTS, ABORTED -> HttpResponseStatus.CONFLICT;
      case PERMISSION_DENIED -> HttpResponseStatus.FORBIDDEN;
      case UNAUTHENTICATED -> HttpResponseStatus.UNAUTHORIZED;
      case RESOURCE_EXHAUSTED -> HttpResponseStatus.TOO_MANY_REQUESTS;
      case FAILED_PRECONDITION -> HttpResponseStatus.PRECONDITION_FAILED;
      case UNIMPLEMENTED -> HttpResponseStatus.NOT_IMPLEMENTED;
      case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
      default -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
    };
  }

  /** Go's mux sends a subtree's bare name to the subtree, with a link body for GET and HEAD. */
  private static void redirectToSubtree(ChannelHandlerContext ctx, boolean keepAlive,
      FullHttpRequest request) {
    String query = new QueryStringDecoder(request.uri()).rawQuery();
    String location = "/v3/" + (query.isEmpty() ? "" : "?" + query);
    boolean get =
        request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
    FullHttpResponse response = full(HttpResponseStatus.MOVED_PERMANENTLY,
        get ? "text/html; charset=utf-8" : null,
        get ? "<a href=\"" + location + "\">Moved Permanently</a>.\n\n" : "");
    response.headers().set("Location", location);
    send(ctx, keepAlive, response);
  }

  private static void respond(ChannelHandlerContext ctx, boolean keepAlive,
      HttpResponseStatus status, String contentType, String body) {
    send(ctx, keepAlive, full(status, contentType, body));
  }

  private static FullHttpResponse full(HttpResponseStatus status, String contentType, String body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      response.headers().set("Content-Type", contentType);
    }
    response.headers().set("Content-Length", response.content().readableBytes());
    HttpResponses.cors(response.headers());
    return response;
  }

  private static void send(ChannelHandlerContext ctx, boolean keepAlive,
      FullHttpResponse response) {
    if (!keepAlive) {
      response.headers().set("Connection", "close");
    }
    ChannelFuture done = ctx.writeAndFlush(response);
    if (!keepAlive) {
      done.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static DefaultHttpContent content(String text) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }
}
