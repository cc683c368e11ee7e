package dev.fakeetcd.internal.v3rpc;

import dev.fakeetcd.internal.sim.SimClock;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one server stream (watch, keep-alive, snapshot, observe) still has to hand to gRPC, in
 * order. The stream's core queues messages, usually under the cluster lock; one drain task at a
 * time hands them over on {@code sender}, never under the cluster lock (an in-process transport
 * runs client code on the sending thread). The end of the call ({@link #complete}, {@link #fail})
 * goes after every message queued before it; {@link #close} (the call is gone) drops what is
 * queued. A hand-over that throws means the call ended under us: the outbox closes and runs the
 * stream's {@link #onBroken} action.
 *
 * <p>An outbox {@link #waitingForReady} hands messages over only while the client is ready, so
 * gRPC never buffers a slow client's backlog; {@link #pending} tells the stream how much waits.
 * Each message carries the virtual time it was produced at: a client-link delay counts from there,
 * not from the hand-off ({@link #producedAt}).
 */
public final class Outbox<T> {

  private static final Context.Key<Long> PRODUCED_AT = Context.key("fake-etcd-produced-at");

  private record Message<T>(T message, long nanos) {
  }

  /** An action in the call's order that is not a message, such as reading the next request. */
  private record Step(Runnable action) {
  }

  /** The end of the call: an error, or (null) completion. */
  private record End(Throwable error) {
  }

  private final ServerCallStreamObserver<T> out;
  private final Executor sender;
  private final SimClock clock;
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  /** Messages queued and not yet handed over. */
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean sending = new AtomicBoolean();
  private boolean waitForReady;
  private Runnable onBroken = () -> { };
  private Runnable afterDrain = () -> { };
  /** Set while the core works for a thread that hands its output over itself. */
  private volatile boolean forCaller;
  private volatile boolean closed;

  public Outbox(ServerCallStreamObserver<T> out, Executor sender, SimClock clock) {
    this.out = out;
    this.sender = sender;
    this.clock = clock;
  }

  /** Hands messages over only while the client is ready; call while the call is set up. */
  public Outbox<T> waitingForReady() {
    waitForReady = true;
    out.setOnReadyHandler(this::kick);
    return this;
  }

  /** What to do when a hand-over throws (the call ended under us); on the sending thread. */
  public Outbox<T> onBroken(Runnable action) {
    onBroken = action;
    return this;
  }

  /** Runs after each drain task, on its thread. */
  Outbox<T> afterDrain(Runnable action) {
    afterDrain = action;
    return this;
  }

  /**
   * The virtual time the message being handed to gRPC on this thread was produced at, or null
   * when no outbox is handing one over.
   */
  public static Long producedAt() {
    return PRODUCED_AT.get();
  }

  /** Queues {@code message}, produced now; any thread. */
  public void send(T message) {
    pending.incrementAndGet();
    queue.add(new Message<>(message, clock.nanos()));
    kick();
  }

  /** Queues {@code action} to run in order with the messages, not waiting for readiness. */
  void then(Runnable action) {
    queue.add(new Step(action));
    kick();
  }

  /** Completes the call after what is queued. */
  public void complete() {
    queue.add(new End(null));
    kick();
  }

  /** Ends the call with {@code error} after what is queued. */
  public void fail(Throwable error) {
    queue.add(new End(error));
    kick();
  }

  /** Drops what is queued and ends the call with {@code error}. */
  void abort(Throwable error) {
    queue.clear();
    fail(error);
  }

  /** The call is gone (cancelled, or closed from outside): nothing more is handed over. */
  public void close() {
    closed = true;
    queue.clear();
  }

  boolean isClosed() {
    return closed;
  }

  /** Messages queued and not yet handed over; any thread. */
  int pending() {
    return pending.get();
  }

  /**
   * While {@code on}, queuing starts no drain task: the thread the core works for hands what it
   * queued over itself ({@link #handOverHere}), without a thread hand-off.
   */
  void forCaller(boolean on) {
    forCaller = on;
  }

  /** Hands over what is queued on this thread, or on the sender if it holds the cluster lock. */
  void handOverHere() {
    if (Thread.holdsLock(clock)) {
      kick();
    } else if (!closed && sending.compareAndSet(false, true)) {
      drain(); // else the running drain task takes it
    }
  }

  /** Starts a drain task unless one runs; any thread. */
  private void kick() {
    if (!forCaller && !closed && sending.compareAndSet(false, true)) {
      try {
        sender.execute(this::drain);
      } catch (RejectedExecutionException e) {
        closed = true; // the cluster is closed; its transports ended the call already
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void drain() {
    try {
      Object next;
      while (!closed && (next = queue.peek()) != null) {
        if (next instanceof Message<?> m) {
          if (!ready()) {
            break;
          }
          queue.poll();
          handOver(() -> Context.current().withValue(PRODUCED_AT, m.nanos())
              .run(() -> out.onNext((T) m.message())));
          pending.decrementAndGet();
        } else if (next instanceof Step step) {
          queue.poll();
          handOver(step.action());
        } else {
          Throwable error = ((End) next).error();
          closed = true;
          queue.clear();
          handOver(error == null ? out::onCompleted : () -> out.onError(error));
        }
      }
    } finally {
      sending.set(false);
    }
    afterDrain.run();
    if (!closed && !queue.isEmpty() && (ready() || !(queue.peek() instanceof Message))) {
      kick(); // queued, or ready again, while this task was finishing
    }
  }

  private boolean ready() {
    return !waitForReady || out.isReady();
  }

  private void handOver(Runnable handOver) {
    try {
      handOver.run();
    } catch (RuntimeException e) {
      close();
      onBroken.run();
    }
  }
}
