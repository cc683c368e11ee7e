package dev.fakeetcd.internal.http;

import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * grpc-prometheus's {@code grpc_server_handled_total} of one member: every call its gRPC server
 * closes, by service, method, type and code. As etcd, etcd's own services and the health service
 * start with every code at 0; Lock and Election appear once called. Only codes a call closed with
 * hold a counter: the zero rows are written at snapshot time, so an idle member costs no memory for
 * them.
 */
public final class GrpcHandled implements ServerInterceptor {

  private record Key(String service, String method, String type, String code) {
  }

  private static final Comparator<Key> ORDER = Comparator.comparing(Key::code)
      .thenComparing(Key::method).thenComparing(Key::service);

  private final List<ServiceDescriptor> initialized;
  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

  /** @param initialized the services whose every method and code start at 0 */
  public GrpcHandled(List<ServiceDescriptor> initialized) {
    this.initialized = List.copyOf(initialized);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        counts.computeIfAbsent(key(call.getMethodDescriptor(), status.getCode()),
            k -> new LongAdder()).increment();
        super.close(status, trailers);
      }
    }, headers);
  }

  /** The counter family, as grpc-prometheus labels it. */
  CounterSnapshot snapshot() {
    CounterSnapshot.Builder family = CounterSnapshot.builder().name("grpc_server_handled")
        .help("Total number of RPCs completed on the server, regardless of success or failure.");
    Map<Key, Long> rows = new TreeMap<>(ORDER);
    for (ServiceDescriptor service : initialized) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        for (Status.Code code : Status.Code.values()) {
          rows.put(key(method, code), 0L);
        }
      }
    }
    counts.forEach((key, count) -> rows.put(key, count.sum()));
    rows.forEach((key, count) -> family.dataPoint(CounterSnapshot.CounterDataPointSnapshot
        .builder()
        .labels(Labels.of("grpc_code", key.code(), "grpc_method", key.method(), "grpc_service",
            key.service(), "grpc_type", key.type()))
        .value(count)
        .build()));
    return family.build();
  }

  private static Key key(MethodDescriptor<?, ?> method, Status.Code code) {
    String type = switch (method.getType()) {
      case UNARY -> "unary";
      case SERVER_STREAMING -> "server_stream";
      case CLIENT_STREAMING -> "client_stream";
      default -> "bidi_stream";
    };
    return new Key(method.getServiceName(), method.getBareMethodName(), type,
        EtcdError.goCodeName(code));
  }
}
