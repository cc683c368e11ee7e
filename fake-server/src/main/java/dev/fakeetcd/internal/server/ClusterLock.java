package dev.fakeetcd.internal.server;

import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.Trace;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocalThread;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The cluster lock, the virtual clock's monitor, and how calls go through it: every entry point
 * takes it to hand the simulation work, then lets the simulation settle around the call while it
 * waits (and, in AUTO_ADVANCE mode, lets time jump); answers go out outside it.
 *
 * <p>Calls are counted from the moment a member's server takes them until they have handed the
 * simulation their work ({@link #arrivals}): between the interceptors, each of which takes the
 * lock briefly, a call is on its way but holds nothing a waiting thread could see, and time must
 * not jump past it. The transport's outermost interceptor marks such a call in its gRPC context
 * ({@link #ARRIVING}); it stops counting when it enters the simulation.
 */
public final class ClusterLock {

  /** Set by the transport on a call while it counts among the {@link #arrivals}. */
  public static final Context.Key<AtomicBoolean> ARRIVING = Context.key("fake-etcd-arriving");
  /** The gRPC method of the call a thread serves, set by the transport for the trace. */
  public static final Context.Key<String> METHOD = Context.key("fake-etcd-method");

  private final SimClock clock;
  private final Trace trace;
  /** How far a settling call lets time jump by default. */
  private final Duration maxJump;
  /**
   * Threads about to take the cluster lock to hand the simulation work, and calls computing a step
   * off the lock ({@link #outside}) (see {@link #settle}).
   */
  private final AtomicInteger arrivals = new AtomicInteger();
  /** Calls about to take the lock, oldest first (see {@link #call}). */
  private final ConcurrentLinkedQueue<Entering<?>> entering = new ConcurrentLinkedQueue<>();
  /** Runs a section whose proposals reach Raft as one batch (the simulation's batchProposals). */
  private final Consumer<Runnable> batch;
  /**
   * Hands replies, stream responses and delayed ones to gRPC outside the cluster lock (see
   * {@link #reply}), ends streams for the leader monitor and closes removed members' ports.
   */
  private final ExecutorService sender = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-etcd-watch-sender");
    t.setDaemon(true);
    return t;
  });

  ClusterLock(SimClock clock, Trace trace, Duration maxJump, Consumer<Runnable> batch) {
    this.clock = clock;
    this.batch = batch;
    this.trace = trace;
    this.maxJump = maxJump;
  }

  /** The monitor itself: the simulation is never touched without holding it. */
  Object monitor() {
    return clock;
  }

  /** Threads counted on their way in; the transport counts calls it takes. */
  public AtomicInteger arrivals() {
    return arrivals;
  }

  /** The pool that runs what must not run under the lock. */
  public Executor sender() {
    return sender;
  }

  /**
   * Records that the gRPC call this thread serves reached {@code member}; nothing outside a call
   * (e.g. when a paused member takes a call it put off). Call under the cluster lock, so that the
   * call's place among the other events is as reproducible as the call itself.
   */
  public void trace(long member, String what) {
    String method = METHOD.get();
    if (method != null) {
      String detail = what.isEmpty() ? "" : " " + what;
      trace.record(Trace.Type.CLIENT, member, "call " + method + detail);
    }
  }

  /**
   * Runs {@code action} on {@code member} under the cluster lock, then lets the simulation settle
   * around it (see {@link #settle}). A paused member takes the call only when it resumes, and
   * answers only while running. The answer never goes out under the cluster lock.
   *
   * <p>Calls waiting for the lock do not queue up on it one by one: whichever thread takes it
   * starts every call waiting ({@link #entering}), their proposals in one batch, then runs what
   * they made due; each caller then only collects its own answer. One call alone runs as if
   * nothing else were there, so a single-threaded test sees the same steps on every run.
   */
  <T> void call(MemberServer member, StreamObserver<T> responses,
      Supplier<CompletableFuture<T>> action) {
    Entering<T> call = new Entering<>(member, responses, action, Context.current());
    if (Thread.holdsLock(clock)) { // a fault call resuming parked calls, or a callback in a timer
      clock.locked(call::start);
      if (call.future != null) {
        if (!clock.isRunning()) { // in a timer the running loop gets to it
          settle(waitingFor(call.future));
        }
        call.whenDone();
      }
      return;
    }
    arrivals.incrementAndGet();
    entering.add(call);
    clock.locked(() -> {
      arrived(true);
      startEntering();
      clock.runUntilIdle();
    });
    if (call.future != null) { // else parked until the member resumes
      if (!call.future.isDone()) {
        settle(waitingFor(call.future));
      }
      call.whenDone();
    }
  }

  /** Under the lock: starts the calls waiting to enter, their proposals as one batch. */
  private void startEntering() {
    Entering<?> first = entering.poll();
    if (first == null) {
      return;
    }
    if (entering.isEmpty()) {
      first.start();
      return;
    }
    batch.accept(() -> {
      Entering<?> next = first;
      do {
        next.start();
      } while ((next = entering.poll()) != null);
    });
  }

  /** A call on its way into the simulation; its future is set under the lock once it started. */
  private final class Entering<T> {
    private final MemberServer member;
    private final StreamObserver<T> responses;
    private final Supplier<CompletableFuture<T>> action;
    /** The call's gRPC context: its method for the trace, its arrival, its cancellation. */
    private final Context context;
    private CompletableFuture<T> future;

    Entering(MemberServer member, StreamObserver<T> responses,
        Supplier<CompletableFuture<T>> action, Context context) {
      this.member = member;
      this.responses = responses;
      this.action = action;
      this.context = context;
    }

    void start() {
      Context previous = context.attach();
      try {
        callArrived();
        trace(member.id(), "");
        if (member.isPaused()) {
          member.whenRunning(() -> {
            if (!context.isCancelled()) {
              call(member, responses, action);
            }
          });
          return;
        }
        try {
          future = action.get();
        } catch (RuntimeException e) {
          future = CompletableFuture.failedFuture(e);
        } catch (Error e) {
          future = CompletableFuture.failedFuture(e);
          throw e;
        }
      } finally {
        context.detach(previous);
      }
    }

    /** Answers once the future completes, off the lock and while the member runs. */
    void whenDone() {
      future.whenComplete((response, failure) -> member.whenRunning(() -> reply(() -> {
        if (failure == null) {
          responses.onNext(response);
          responses.onCompleted();
        } else {
          responses.onError(toStatus(failure));
        }
      })));
    }
  }

  /**
   * The slow step of a call between two steps in the simulation (Authenticate's bcrypt check):
   * call under the lock; {@code work} runs off it, on this thread once it lets go (as {@link
   * #reply}, so that a test's {@code advance} returns with the step done), then {@code then} on
   * its result under the lock again; a failure of {@code work} skips {@code then} and ends the
   * returned future. Until then the call counts among the {@link #arrivals}, so time does not
   * jump past it while it computes.
   */
  <T, U> CompletableFuture<U> outside(Supplier<T> work,
      Function<T, CompletableFuture<U>> then) {
    arrivals.incrementAndGet();
    CompletableFuture<T> done = new CompletableFuture<>();
    CompletableFuture<U> result = done.thenCompose(then); // runs where done completes: locked
    reply(() -> {
      CompletableFuture<T> computed = CompletableFuture.supplyAsync(work, Runnable::run); // here
      run(() -> {
        arrivals.decrementAndGet();
        computed.whenComplete((value, failure) -> {
          if (failure == null) {
            done.complete(value);
          } else {
            done.completeExceptionally(failure);
          }
        });
      });
    });
    return result;
  }

  static BooleanSupplier waitingFor(CompletableFuture<?> future) {
    return () -> !future.isDone();
  }

  /**
   * Counts the calling thread among those about to take the cluster lock with work, unless it
   * holds the lock already; {@link #arrived} with the result once it has the lock.
   */
  private boolean enter() {
    if (Thread.holdsLock(clock)) {
      return false;
    }
    arrivals.incrementAndGet();
    return true;
  }

  private void arrived(boolean counted) {
    if (counted) {
      arrivals.decrementAndGet();
    }
    callArrived(); // this thread holds the lock now, its call's work goes in
  }

  /** The call this thread serves has handed the simulation its work (or is about to wait). */
  private void callArrived() {
    AtomicBoolean arriving = ARRIVING.get();
    if (arriving != null && arriving.compareAndSet(true, false)) {
      arrivals.decrementAndGet();
    }
  }

  /**
   * Runs the simulation while {@code waiting} holds (read under the lock): what is due now; in
   * AUTO_ADVANCE mode then time jumps to the next timer, one timer instant per step, for at most
   * the request timeout plus an election timeout (every waiting request has its own timeout timer
   * within that). Each step takes the cluster lock and releases it, so that other callers run in
   * between, and time jumps only while no other thread is entering the cluster with work
   * ({@link #arrivals}): what other threads can do now comes before any jump. A single-threaded
   * test sees the same steps, in the same order, on every run.
   *
   * <p>Called under the lock (from a fault call, say, resuming parked calls) it settles in one
   * piece, as that caller holds the lock anyway.
   */
  public void settle(BooleanSupplier waiting) {
    settle(waiting, maxJump);
  }

  /**
   * As {@link #settle(BooleanSupplier)}, jumping at most {@code maxJump}. On a transport thread
   * (Netty's event loop, which serves one connection's calls in the order they came) the steps run
   * on the sender pool, so that a waiting call does not hold up the next call on its connection.
   */
  public void settle(BooleanSupplier waiting, Duration maxJump) {
    callArrived(); // a call that waits is no longer on its way in
    if (Thread.holdsLock(clock)) {
      if (!clock.isRunning()) {
        clock.autoAdvance(waiting, maxJump);
      }
      return;
    }
    if (clock.mode() == VirtualClock.Mode.AUTO_ADVANCE
        && Thread.currentThread() instanceof FastThreadLocalThread) {
      offLock(() -> steps(waiting, maxJump));
    } else {
      steps(waiting, maxJump);
    }
  }

  private void steps(BooleanSupplier waiting, Duration maxJump) {
    long[] limit = {-1};
    while (true) {
      boolean[] over = {false};
      clock.locked(() -> {
        clock.runUntilIdle();
        if (!waiting.getAsBoolean() || clock.mode() != VirtualClock.Mode.AUTO_ADVANCE) {
          over[0] = true;
          return;
        }
        if (limit[0] < 0) {
          limit[0] = clock.nanos() + maxJump.toNanos();
        }
        // Nothing left to run before the limit: the wait goes on without us.
        over[0] = arrivals.get() == 0 && !clock.jumpToNextTimer(limit[0]);
      });
      if (over[0]) {
        return;
      }
      if (arrivals.get() > 0) {
        Thread.yield(); // let them in first
      }
    }
  }

  /**
   * Sends an answer outside the cluster lock: at once if the caller does not hold it, else on the
   * thread that holds it once it lets go (see {@link SimClock#whenReleased}), so that a test
   * moving time has its answers when it moves on. The transport may run client code on the sending
   * thread (in-process: even the client's next call).
   */
  public void reply(Runnable send) {
    clock.whenReleased(send, this::offLock);
  }

  /** Runs {@code task} on the sender pool; nothing if the cluster is closed. */
  void offLock(Runnable task) {
    try {
      sender.execute(task);
    } catch (RejectedExecutionException e) {
      // the cluster is closed; its transports ended the call
    }
  }

  /** The gRPC status a failed request ends its call with. */
  public static StatusRuntimeException toStatus(Throwable failure) {
    Throwable cause = EtcdException.cause(failure);
    if (cause instanceof EtcdException e) {
      return e.asStatusException();
    }
    if (cause instanceof StatusRuntimeException status) {
      return status;
    }
    return io.grpc.Status.INTERNAL.withDescription(String.valueOf(cause)).withCause(cause)
        .asRuntimeException();
  }

  /** Runs {@code action} under the cluster lock, then whatever it made due now; any thread. */
  public void run(Runnable action) {
    boolean counted = enter();
    clock.locked(() -> {
      arrived(counted);
      action.run();
      if (!clock.isRunning()) {
        clock.runUntilIdle();
      }
    });
  }

  /** Answers {@code query} under the cluster lock; any thread. */
  public <T> T query(Supplier<T> query) {
    synchronized (clock) {
      return query.get();
    }
  }

  /** Ends the sender pool; what it would still send is lost, as the transports are closed. */
  void close() {
    sender.shutdownNow();
  }
}
