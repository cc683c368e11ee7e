package dev.fakeetcd.internal.rpctypes;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;

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

  /** {@code service} with every request parsed under {@link #RECURSION_LIMIT}. */
  public static ServerServiceDefinition requests(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder builder =
        ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      builder.addMethod(deep(method));
    }
    return builder.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> deep(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
    return ServerMethodDefinition.create(
        descriptor.toBuilder(new Marshaller<>(descriptor.getRequestMarshaller()),
            descriptor.getResponseMarshaller()).build(),
        method.getServerCallHandler());
  }

  private static final class Marshaller<T> implements MethodDescriptor.Marshaller<T> {
    private final MethodDescriptor.Marshaller<T> original;
    private final Parser<T> parser;

    @SuppressWarnings("unchecked")
    Marshaller(MethodDescriptor.Marshaller<T> original) {
      this.original = original;
      this.parser = (Parser<T>) ((MessageLite) ((MethodDescriptor.PrototypeMarshaller<T>) original)
          .getMessagePrototype()).getParserForType();
    }

    @Override
    public InputStream stream(T value) {
      return original.stream(value);
    }

    @Override
    public T parse(InputStream stream) {
      try {
        CodedInputStream in = CodedInputStream.newInstance(stream);
        in.setRecursionLimit(RECURSION_LIMIT);
        in.setSizeLimit(Integer.MAX_VALUE);
        return parser.parseFrom(in);
      } catch (IOException e) {
        // What grpc-java's own marshaller answers for bytes it cannot parse.
        throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e)
            .asRuntimeException();
      }
    }
  }
}
