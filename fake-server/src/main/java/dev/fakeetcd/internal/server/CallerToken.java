package dev.fakeetcd.internal.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * The auth token a call carries, as etcd's {@code AuthInfoFromCtx} finds it: gRPC metadata
 * {@code token}, else {@code authorization} (what its gateway sends), the first value of either.
 * Read by the services when a call starts; looked up by the member when its request is served.
 */
public final class CallerToken implements ServerInterceptor {

  public static final CallerToken INSTANCE = new CallerToken();

  private static final Context.Key<String> TOKEN = Context.key("fake-etcd-token");
  private static final Metadata.Key<String> TOKEN_HEADER =
      Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> AUTHORIZATION_HEADER =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private CallerToken() {
  }

  /** The token of the call this thread serves; null without one. */
  public static String current() {
    return TOKEN.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String token = headers.get(TOKEN_HEADER);
    if (token == null) {
      token = headers.get(AUTHORIZATION_HEADER);
    }
    if (token == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(TOKEN, token), call, headers, next);
  }
}
