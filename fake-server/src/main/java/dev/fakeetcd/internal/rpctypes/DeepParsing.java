package dev.fakeetcd.internal.rpctypes;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Request parsing deep enough for etcd. protobuf-java stops at 100 nested messages, but etcd
 * (gogo-protobuf, no limit) accepts nested txns until the op budget runs out: with one op per
 * level that is 129 levels, two messages each. The same limit serves the transports and the
 * decoding of committed entries, so anything a member accepted it can also apply.
 */
public final class DeepParsing {

  /** Nested messages allowed; well above etcd's op budget, well below what a thread stack holds. */
  static final int RECURSION_LIMIT = 1000;

  private DeepParsing() {}

  public static <T extends MessageLite> T parse(Parser<T> parser, ByteString bytes)
      throws InvalidProtocolBufferException {
    CodedInputStream in = bytes.newCodedInput();
    in.setRecursionLimit(RECURSION_LIMIT);
    return parser.parseFrom(in);
  }

  /**
   * {@code service} behind {@code interceptor}, as {@link io.grpc.ServerInterceptors#intercept}
   * would put it, with every request decoded as etcd decodes it ({@link GogoWire}), under
   * {@link #RECURSION_LIMIT}. A request etcd cannot decode fails the call INTERNAL with grpc-go's
   * words; the handler behind never sees it. Each method holds one handler of its own; the method
   * descriptors are made once per service and shared by every member.
   */
  public static ServerServiceDefinition requests(ServerServiceDefinition service,
      ServerInterceptor interceptor) {
    Shared shared = SHARED.computeIfAbsent(service.getServiceDescriptor(), Shared::of);
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(shared.service());
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      builder.addMethod(intercepted(
          shared.methods().get(method.getMethodDescriptor().getFullMethodName()), method,
          interceptor));
    }
    return builder.build();
  }

  /**
   * The deep-parsing descriptors of each service, which depend on nothing but the service: by its
   * generated descriptor, one static instance per service, so one entry per service.
   */
  private static final Map<ServiceDescriptor, Shared> SHARED = new ConcurrentHashMap<>();

  private record Shared(ServiceDescriptor service, Map<String, MethodDescriptor<?, ?>> methods) {

    static Shared of(ServiceDescriptor generated) {
      ServiceDescriptor.Builder service = ServiceDescriptor.newBuilder(generated.getName());
      Map<String, MethodDescriptor<?, ?>> methods = new HashMap<>();
      for (MethodDescriptor<?, ?> method : generated.getMethods()) {
        MethodDescriptor<?, ?> deep = deep(method);
        service.addMethod(deep);
        methods.put(deep.getFullMethodName(), deep);
      }
      return new Shared(service.build(), Map.copyOf(methods));
    }
  }

  private static <Q, R> MethodDescriptor<Q, R> deep(MethodDescriptor<Q, R> method) {
    return method.toBuilder(new Marshaller<>(method), method.getResponseMarshaller()).build();
  }

  @SuppressWarnings("unchecked")
  private static <Q, R> ServerMethodDefinition<Q, R> intercepted(MethodDescriptor<?, ?> deep,
      ServerMethodDefinition<Q, R> method, ServerInterceptor interceptor) {
    ServerCallHandler<Q, R> handler = method.getServerCallHandler();
    return ServerMethodDefinition.create((MethodDescriptor<Q, R>) deep,
        (call, headers) -> interceptor.interceptCall(call, headers,
            (c, h) -> new Refusing<>(c, handler.startCall(c, h))));
  }

  /**
   * Why the request just parsed on this thread cannot be decoded. grpc-java answers any exception
   * from a marshaller UNKNOWN "Application error processing RPC", so the marshaller leaves the
   * status here and a placeholder request, and {@link Refusing} closes the call with it: grpc-java
   * hands each parsed request to the call's listener at once, on the thread that parsed it.
   */
  private static final ThreadLocal<Status> UNDECODABLE = new ThreadLocal<>();

  private static final class Marshaller<T> implements MethodDescriptor.Marshaller<T> {
    private final MethodDescriptor.Marshaller<T> original;
    private final T prototype;
    private final Parser<T> parser;
    private final Descriptor type;
    /** grpc-go's words: its unary handlers decode the request, streams receive it. */
    private final String failure;

    @SuppressWarnings("unchecked")
    Marshaller(MethodDescriptor<T, ?> method) {
      this.original = method.getRequestMarshaller();
      this.prototype = ((MethodDescriptor.PrototypeMarshaller<T>) original).getMessagePrototype();
      this.parser = (Parser<T>) ((Message) prototype).getParserForType();
      this.type = ((Message) prototype).getDescriptorForType();
      this.failure = method.getType() == MethodDescriptor.MethodType.UNARY
          ? "grpc: error unmarshalling request: "
          : "grpc: failed to unmarshal the received message ";
    }

    @Override
    public InputStream stream(T value) {
      return original.stream(value);
    }

    @Override
    public T parse(InputStream stream) {
      // An interceptor may have swallowed the last request parsed on this thread, with its status.
      UNDECODABLE.remove();
      try {
        CodedInputStream in =
            CodedInputStream.newInstance(GogoWire.decodable(type, bytes(stream)));
        in.setRecursionLimit(RECURSION_LIMIT);
        return parser.parseFrom(in);
      } catch (GogoWire.Malformed | IOException e) {
        UNDECODABLE.set(Status.INTERNAL.withDescription(failure + e.getMessage()));
        return prototype;
      }
    }
  }

  /**
   * The whole stream; sized up front when gRPC knows its length (both transports' streams do), as
   * {@code readAllBytes} starts every read with an 8 KiB buffer, a large part of a small call.
   */
  private static byte[] bytes(InputStream stream) throws IOException {
    if (stream instanceof KnownLength) {
      byte[] bytes = new byte[stream.available()];
      if (stream.readNBytes(bytes, 0, bytes.length) == bytes.length && stream.read() == -1) {
        return bytes;
      }
      throw new IOException("the request's length changed while it was read");
    }
    return stream.readAllBytes();
  }

  /** Closes the call on a request {@link Marshaller} could not decode; passes the rest on. */
  private static final class Refusing<Q, R> extends SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private boolean refused;

    Refusing(ServerCall<Q, R> call, ServerCall.Listener<Q> handler) {
      super(handler);
      this.call = call;
    }

    @Override
    public void onMessage(Q request) {
      Status undecodable = UNDECODABLE.get();
      UNDECODABLE.remove();
      if (refused) {
        return;
      }
      if (undecodable != null) {
        refused = true;
        call.close(undecodable, new Metadata());
        return;
      }
      super.onMessage(request);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }
  }
}
