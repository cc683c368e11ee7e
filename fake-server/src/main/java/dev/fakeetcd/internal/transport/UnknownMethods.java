package dev.fakeetcd.internal.transport;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The servers' fallback for methods they do not serve: refused with grpc-go's words (server.go,
 * handleStream, v1.26 as in etcd 3.4) instead of grpc-java's {@code Method not found}.
 */
final class UnknownMethods extends HandlerRegistry {

  private final Set<String> services;

  UnknownMethods(List<ServerServiceDefinition> served) {
    this.services = served.stream().map(s -> s.getServiceDescriptor().getName())
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    int slash = methodName.lastIndexOf('/');
    Status refusal;
    if (slash < 0) {
      // Go's %q of the path; a method name without a slash is printable ASCII here.
      refusal = Status.RESOURCE_EXHAUSTED.withDescription(
          "malformed method name: \"/" + methodName + "\"");
    } else {
      String service = methodName.substring(0, slash);
      refusal = Status.UNIMPLEMENTED.withDescription(services.contains(service)
          ? "unknown method " + methodName.substring(slash + 1) + " for service " + service
          : "unknown service " + service);
    }
    MethodDescriptor<InputStream, InputStream> method = MethodDescriptor
        .newBuilder(Raw.INSTANCE, Raw.INSTANCE).setType(MethodDescriptor.MethodType.UNKNOWN)
        .setFullMethodName(methodName).build();
    ServerCallHandler<InputStream, InputStream> refuse = (call, headers) -> {
      call.close(refusal, new Metadata());
      return new ServerCall.Listener<>() {};
    };
    return ServerMethodDefinition.create(method, refuse);
  }

  /** The request bytes as they came; never read, as the call is refused at once. */
  private enum Raw implements MethodDescriptor.Marshaller<InputStream> {
    INSTANCE;

    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }
}
