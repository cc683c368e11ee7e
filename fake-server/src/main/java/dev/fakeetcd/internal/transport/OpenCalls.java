package dev.fakeetcd.internal.transport;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Calls still open on a member that something outside their handlers may end (a dropped client
 * connection, a crash, etcd's leader monitor) or look at (the stuck-call watchdog). Once ended,
 * whatever the handler still sends is dropped, as bytes written to a lost connection are.
 * Thread-safe; never call it under the cluster lock (ending a call may call into the transport,
 * which may call back into the server).
 */
final class OpenCalls {

  /** Guarded by itself; in arrival order. */
  private final Set<Tracked<?, ?>> open = new LinkedHashSet<>();

  /** Starts {@code call} through {@code start}, so that {@link #endAll} can end it. */
  <Q, R> ServerCall.Listener<Q> track(ServerCall<Q, R> call,
      Function<ServerCall<Q, R>, ServerCall.Listener<Q>> start) {
    Tracked<Q, R> tracked = new Tracked<>(call);
    synchronized (open) {
      open.add(tracked);
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        start.apply(tracked)) {
      @Override
      public void onComplete() {
        forget(tracked);
        super.onComplete();
      }

      @Override
      public void onCancel() {
        forget(tracked);
        super.onCancel();
      }
    };
  }

  /** Ends every open call with {@code status}. */
  void endAll(Status status) {
    List<Tracked<?, ?>> calls;
    synchronized (open) {
      calls = List.copyOf(open);
    }
    calls.forEach(c -> c.close(status, new Metadata()));
  }

  /** The open unary calls, oldest first; any thread. */
  List<? extends Open> unary() {
    synchronized (open) {
      return open.stream().filter(c -> c.getMethodDescriptor().getType().clientSendsOneMessage()
          && c.getMethodDescriptor().getType().serverSendsOneMessage()).toList();
    }
  }

  /** What {@link #unary} tells of a call. */
  public interface Open {
    String fullMethodName();

    /** {@link System#nanoTime} when it was opened. */
    long openedNanos();

    /** True the first time only. */
    boolean firstNotice();
  }

  boolean isEmpty() {
    synchronized (open) {
      return open.isEmpty();
    }
  }

  private void forget(Tracked<?, ?> call) {
    synchronized (open) {
      open.remove(call);
    }
  }

  private final class Tracked<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R>
      implements Open {
    private final long openedNanos = System.nanoTime();
    private final AtomicBoolean noticed = new AtomicBoolean();
    private boolean closed;

    Tracked(ServerCall<Q, R> call) {
      super(call);
    }

    @Override
    public String fullMethodName() {
      return getMethodDescriptor().getFullMethodName();
    }

    @Override
    public long openedNanos() {
      return openedNanos;
    }

    @Override
    public boolean firstNotice() {
      return noticed.compareAndSet(false, true);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        delegate().sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        delegate().sendMessage(message);
      }
    }

    /**
     * Holds this call's monitor only to mark it closed (a send under way finishes first): the
     * transport's close may need a lock (the in-process transport's) that the thread starting a
     * call holds while it waits here to refuse that same call.
     */
    @Override
    public void close(Status status, Metadata trailers) {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      forget(this);
      delegate().close(status, trailers);
    }
  }
}
