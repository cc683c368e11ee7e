package dev.fakeetcd.internal.transport;

import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.v3rpc.Outbox;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults on the link between clients and one member, injected where the member's gRPC server
 * meets its clients: the next calls of a method fail with a chosen etcd error before the member
 * sees them, and responses can be held back for a span of virtual time. Every method takes the
 * cluster lock.
 *
 * <p>A delay holds each message a call sends (headers, responses, the close) for the delay set when
 * it was sent, in order: a message never leaves before an earlier one of its call. Held messages
 * leave from a clock timer, handed to {@code sender} (in order, never sent under the cluster lock);
 * turning the delay off releases them at once.
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

  private final SimClock clock;
  private final Executor sender;
  private final OpenCalls open = new OpenCalls();
  /** Full method name (e.g. {@code etcdserverpb.KV/Put}) to the failures still to inject. */
  private final TreeMap<String, ArrayDeque<Failure>> failures = new TreeMap<>();
  /** Written under the cluster lock; read without it by calls that hold nothing back. */
  private volatile Duration delay = Duration.ZERO;
  /** Calls holding messages back, under the cluster lock; in the order they began to. */
  private final Set<Delayed<?, ?>> holding = new LinkedHashSet<>();
  /** False while the member's process is down or its connections are being closed. */
  private boolean connected = true;
  /**
   * Connected with no failure to inject: written under the cluster lock; read without it, so that
   * a call on a link without faults takes the lock only to enter the simulation.
   */
  private volatile boolean clean = true;

  private final Cluster cluster;

  ClientLinkFaults(Cluster cluster) {
    this.cluster = cluster;
    this.clock = cluster.clock();
    this.sender = cluster.watchSender();
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
      clean = false;
    }
  }

  /**
   * Holds every message sent to clients (responses, stream messages, errors) back for {@code
   * duration} of virtual time; zero ends it and releases what is held.
   */
  public void delayResponses(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + duration);
    }
    synchronized (clock) {
      delay = duration;
      if (duration.isZero()) {
        releaseHeld();
      }
    }
  }

  /** Removes every pending failure and the delay, releasing what is held. */
  public void clear() {
    synchronized (clock) {
      failures.clear();
      clean = connected;
      delay = Duration.ZERO;
      releaseHeld();
    }
  }

  private void releaseHeld() {
    for (Delayed<?, ?> call : List.copyOf(holding)) {
      call.release(Long.MAX_VALUE);
    }
  }

  /**
   * From now on calls fail at once with {@link #CONNECTION_LOST}, as against a process that is
   * gone (a refused connection is UNAVAILABLE too); under the cluster lock.
   */
  void disconnect() {
    connected = false;
    clean = false;
  }

  /** Calls reach the member again; under the cluster lock. */
  void connect() {
    connected = true;
    clean = failures.isEmpty();
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
    Status failure = clean ? null : cluster.query(() -> {
      if (!connected) {
        return CONNECTION_LOST;
      }
      EtcdError error = takeFailure(call.getMethodDescriptor().getFullMethodName());
      return error == null ? null : error.status();
    });
    if (failure != null) {
      call.close(failure, new Metadata());
      return new ServerCall.Listener<>() {
      };
    }
    return next.startCall(new Delayed<>(call), headers);
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
      clean = connected && failures.isEmpty();
    }
    return head.error();
  }

  /** One call's messages, sent at once while the link has no delay and nothing is held. */
  private final class Delayed<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private record Held(long dueNanos, Runnable send) {
    }

    // Under the cluster lock.
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private SimClock.Timer timer;
    /** Messages held or handed to the sender and not yet sent; any thread. */
    private final AtomicInteger unsent = new AtomicInteger();

    Delayed(ServerCall<Q, R> call) {
      super(call);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      send(() -> delegate().sendHeaders(headers));
    }

    @Override
    public void sendMessage(R message) {
      send(() -> delegate().sendMessage(message));
    }

    @Override
    public void close(Status status, Metadata trailers) {
      Runnable close = () -> delegate().close(status, trailers);
      if (goesNow()) {
        close.run();
        return;
      }
      long[] waitNanos = {-1};
      synchronized (clock) {
        if (hold(close) && !clock.isRunning()) {
          waitNanos[0] = held.peekLast().dueNanos() - clock.nanos();
        }
      }
      // In AUTO_ADVANCE mode nobody else may move time for this answer: the call waits on it.
      // The close is the call's last message: it has left once nothing is held.
      if (waitNanos[0] >= 0) {
        cluster.settle(() -> !held.isEmpty(), Duration.ofNanos(waitNanos[0]));
      }
    }

    private void send(Runnable message) {
      if (goesNow()) {
        message.run();
      } else {
        synchronized (clock) {
          hold(message);
        }
      }
    }

    /** A call sends one message at a time: with no delay and nothing unsent, none can overtake. */
    private boolean goesNow() {
      return delay.isZero() && unsent.get() == 0;
    }

    /** Queues {@code message} behind the call's earlier ones; true while it is held back. */
    private boolean hold(Runnable message) {
      long now = clock.nanos();
      // A stream's message counts from when it was produced, not from its hand-off.
      Long sentAt = Outbox.producedAt();
      long due = (sentAt == null ? now : Math.min(sentAt, now)) + delay.toNanos();
      if (!held.isEmpty()) {
        due = Math.max(due, held.peekLast().dueNanos());
      }
      unsent.incrementAndGet();
      held.addLast(new Held(due, message));
      holding.add(this);
      release(now);
      return !held.isEmpty();
    }

    /** Hands the messages due by {@code nanos} to the sender, in order; under the cluster lock. */
    void release(long nanos) {
      while (!held.isEmpty() && held.peekFirst().dueNanos() <= nanos) {
        Runnable message = held.removeFirst().send();
        try {
          sender.execute(() -> {
            try {
              message.run();
            } catch (RuntimeException e) {
              // the call already ended (cancelled by the client, or dropped)
            } finally {
              unsent.decrementAndGet();
            }
          });
        } catch (RejectedExecutionException e) {
          unsent.decrementAndGet(); // the cluster is closed; its transports ended the call
        }
      }
      long next = held.isEmpty() ? -1 : held.peekFirst().dueNanos();
      if (timer != null && (!timer.isPending() || timer.dueNanos() != next)) {
        timer.cancel();
        timer = null;
      }
      if (held.isEmpty()) {
        holding.remove(this);
      } else if (timer == null) {
        timer = clock.schedule(Duration.ofNanos(next - clock.nanos()),
            () -> release(clock.nanos()));
      }
    }
  }
}
