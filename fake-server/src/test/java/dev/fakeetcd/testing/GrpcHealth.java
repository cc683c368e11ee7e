package dev.fakeetcd.testing;

import io.grpc.MethodDescriptor;

/** gRPC's {@code grpc.health.v1.Health/Check} as raw bytes, for tests without its generated stubs. */
public final class GrpcHealth {

  /** {@code Check}: a HealthCheckRequest in, a HealthCheckResponse out, both as bytes. */
  public static final MethodDescriptor<byte[], byte[]> CHECK =
      MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("grpc.health.v1.Health/Check")
          .setRequestMarshaller(RawBytes.MARSHALLER).setResponseMarshaller(RawBytes.MARSHALLER)
          .build();

  private GrpcHealth() {
  }
}
