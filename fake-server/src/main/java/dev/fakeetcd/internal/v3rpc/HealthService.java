package dev.fakeetcd.internal.v3rpc;

import com.google.protobuf.CodedInputStream;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code grpc.health.v1.Health} as etcd 3.4 registers it (grpc-go's health server with service
 * {@code ""} SERVING, never changed): Check answers SERVING for {@code ""} and NOT_FOUND {@code
 * unknown service} for any other name; Watch sends the status once (SERVICE_UNKNOWN for other
 * names) and stays open. The two messages are small enough to encode here, which spares the
 * grpc-services dependency.
 */
public final class HealthService {

  /** HealthCheckResponse{status: SERVING}. */
  private static final byte[] SERVING = {0x08, 0x01};
  /** HealthCheckResponse{status: SERVICE_UNKNOWN}. */
  private static final byte[] SERVICE_UNKNOWN = {0x08, 0x03};

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor<byte[], byte[]> CHECK =
      method("Check", MethodDescriptor.MethodType.UNARY);
  private static final MethodDescriptor<byte[], byte[]> WATCH =
      method("Watch", MethodDescriptor.MethodType.SERVER_STREAMING);

  /** The service's name and methods. */
  public static final ServiceDescriptor DESCRIPTOR =
      new ServiceDescriptor("grpc.health.v1.Health", CHECK, WATCH);

  private HealthService() {
  }

  /** The service, to be registered next to etcd's. */
  public static ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(DESCRIPTOR)
        .addMethod(CHECK, ServerCalls.asyncUnaryCall((request, responses) -> {
          if (service(request).isEmpty()) {
            responses.onNext(SERVING);
            responses.onCompleted();
          } else {
            responses.onError(Status.NOT_FOUND.withDescription("unknown service")
                .asRuntimeException());
          }
        }))
        .addMethod(WATCH, ServerCalls.asyncServerStreamingCall(
            (byte[] request, StreamObserver<byte[]> responses) ->
                responses.onNext(service(request).isEmpty() ? SERVING : SERVICE_UNKNOWN)))
        .build();
  }

  private static MethodDescriptor<byte[], byte[]> method(String name,
      MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("grpc.health.v1.Health", name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /** HealthCheckRequest's field 1, {@code service}. */
  private static String service(byte[] request) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(request);
      String service = "";
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == 10) {
          service = in.readStringRequireUtf8();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
      return service;
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("grpc: error unmarshalling request: " + e.getMessage())
          .asRuntimeException();
    }
  }
}
