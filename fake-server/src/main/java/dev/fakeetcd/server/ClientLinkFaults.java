package dev.fakeetcd.server;

import dev.fakeetcd.sim.VirtualClock;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Faults on the link between clients and one member, injected where the member's gRPC server
 * meets its clients: the next calls of a method fail with a chosen etcd error before the member
 * sees them, and responses can be held back for a span of virtual time. Every method takes the
 * cluster lock.
 */
public final class ClientLinkFaults implements ServerInterceptor {

  private record Failure(int remaining, EtcdError error) {
  }

  /**
   * What a client's transport reports when the server's connection goes away without a goodbye:
   * grpc-java's text for a peer process that stopped or restarted.
   */
  static final Status CONNECTION_LOST =
      Status.UNAVAILABLE.withDescription("Network closed for unknown reason");

  private final VirtualClock clock;
  private final OpenCalls open = new OpenCalls();
  /** Full method name (e.g. {@code etcdserverpb.KV/Put}) to the failures still to inject. */
  private final TreeMap<String, ArrayDeque<Failure>> failures = new TreeMap<>();
  private Duration delay = Duration.ZERO;
  /** False while the member's process is down or its connections are being closed. */
  private boolean connected = true;

  ClientLinkFaults(VirtualClock clock) {
    this.clock = clock;
  }

  /** Makes the next {@code count} calls of {@code fullMethodName} fail with {@code error}. */
  public void failNext(String fullMethodName, int count, EtcdError error) {
    Objects.requireNonNull(fullMethodName, "fullMethodName");
    Objects.requireNonNull(error, "error");
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    synchronized (clock) {
      failures.computeIfAbsent(fullMethodName, m -> new ArrayDeque<>())
          .addLast(new Failure(count, error));
    }
  }

  /** Holds every response (and error) back for {@code duration} of virtual time; zero ends it. */
  public void delayResponses(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + duration);
    }
    synchronized (clock) {
      delay = duration;
    }
  }

  /** Removes every pending failure and the delay. */
  public void clear() {
    synchronized (clock) {
      failures.clear();
      delay = Duration.ZERO;
    }
  }

  /**
   * From now on calls fail at once with {@link #CONNECTION_LOST}, as against a process that is
   * gone (a refused connection is UNAVAILABLE too); under the cluster lock.
   */
  void disconnect() {
    connected = false;
  }

  /** Calls reach the member again; under the cluster lock. */
  void connect() {
    connected = true;
  }

  /**
   * Ends every open call with {@link #CONNECTION_LOST}, as clients see a member process that went
   * away. (A plain server shutdown resets streams with CANCEL instead, which clients such as
   * jetcd's watch take as final.) Not under the cluster lock.
   */
  void endOpenCalls() {
    open.endAll(CONNECTION_LOST);
  }

  /** The member's open unary calls, oldest first; any thread. */
  List<? extends OpenCalls.Open> openUnaryCalls() {
    return open.unary();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return open.track(call, tracked -> intercepted(tracked, headers, next));
  }

  private <Q, R> ServerCall.Listener<Q> intercepted(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Status failure;
    Duration responseDelay;
    synchronized (clock) {
      if (connected) {
        EtcdError error = takeFailure(call.getMethodDescriptor().getFullMethodName());
        failure = error == null ? null : error.status();
      } else {
        failure = CONNECTION_LOST;
      }
      responseDelay = delay;
    }
    if (failure != null) {
      call.close(failure, new Metadata());
      return new ServerCall.Listener<>() {
      };
    }
    return next.startCall(responseDelay.isZero() ? call : new Delayed<>(call, responseDelay),
        headers);
  }

  private EtcdError takeFailure(String method) {
    ArrayDeque<Failure> queue = failures.get(method);
    if (queue == null) {
      return null;
    }
    Failure head = queue.removeFirst();
    if (head.remaining() > 1) {
      queue.addFirst(new Failure(head.remaining() - 1, head.error()));
    } else if (queue.isEmpty()) {
      failures.remove(method);
    }
    return head.error();
  }

  /** Queues what the handler sends and lets it out, in order, once the delay has passed. */
  private final class Delayed<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final Duration by;
    private final List<Runnable> outbound = new ArrayList<>();

    Delayed(ServerCall<Q, R> call, Duration by) {
      super(call);
      this.by = by;
    }

    @Override
    public void sendHeaders(Metadata headers) {
      synchronized (clock) {
        outbound.add(() -> delegate().sendHeaders(headers));
      }
    }

    @Override
    public void sendMessage(R message) {
      synchronized (clock) {
        outbound.add(() -> delegate().sendMessage(message));
      }
    }

    @Override
    public void close(Status status, Metadata trailers) {
      synchronized (clock) {
        outbound.add(() -> delegate().close(status, trailers));
        List<Runnable> send = List.copyOf(outbound);
        outbound.clear();
        boolean[] sent = {false};
        clock.schedule(by, () -> {
          sent[0] = true;
          send.forEach(Runnable::run);
        });
        // In AUTO_ADVANCE mode nobody else may move time for this response: the call waits on it.
        if (!clock.isRunning()) {
          clock.autoAdvance(() -> !sent[0], by);
        }
      }
    }
  }
}
