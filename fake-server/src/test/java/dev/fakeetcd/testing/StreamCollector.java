package dev.fakeetcd.testing;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Collects what a call streams back: values are queued as they arrive (on a transport thread), the
 * end is recorded, and every wait has a ceiling so a silent server fails the test instead of
 * hanging it. The request type is left open because only flow control and cancel touch the call.
 */
public final class StreamCollector<T> implements ClientResponseObserver<Object, T> {

  private static final long CEILING_SECONDS = 20;

  private final String what;
  private final boolean manual;
  /** The values, then the error the stream failed with, if it did. */
  private final LinkedBlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> end = new CompletableFuture<>();
  private volatile ClientCallStreamObserver<Object> call;

  /**
   * @param what names a value in failure messages, e.g. "watch response"
   * @param manual whether only what {@link #request} asks for comes in
   */
  public StreamCollector(String what, boolean manual) {
    this.what = what;
    this.manual = manual;
  }

  public StreamCollector(String what) {
    this(what, false);
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<Object> stream) {
    call = stream;
    if (manual) {
      stream.disableAutoRequestWithInitial(0);
    }
  }

  @Override
  public void onNext(T value) {
    arrived.add(value);
  }

  @Override
  public void onError(Throwable t) {
    arrived.add(t);
    end.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end.complete(Status.OK);
  }

  /** The next value; fails if the stream fails first or nothing comes within the ceiling. */
  public T next() {
    Object next;
    try {
      next = arrived.poll(CEILING_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    if (next == null) {
      throw new AssertionError("no " + what + " within " + CEILING_SECONDS + " s");
    }
    if (next instanceof Throwable t) {
      throw new AssertionError("no " + what + ": the stream failed", t);
    }
    return value(next);
  }

  /** The status the stream ended with. */
  public Status ended() {
    try {
      return end.get(CEILING_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError("the stream did not end within " + CEILING_SECONDS + " s", e);
    }
  }

  public boolean hasEnded() {
    return end.isDone();
  }

  /** Values that arrived and were not taken yet. */
  public int queued() {
    return (int) arrived.stream().filter(o -> !(o instanceof Throwable)).count();
  }

  /** Takes every value that has arrived so far. */
  public List<T> drain() {
    List<T> values = new ArrayList<>();
    for (Object o = arrived.peek(); o != null && !(o instanceof Throwable); o = arrived.peek()) {
      values.add(value(arrived.remove()));
    }
    return values;
  }

  /** Lets {@code count} more values in (manual mode). */
  public void request(int count) {
    call.request(count);
  }

  /** Cancels the call, if it was started. */
  public void cancel() {
    if (call != null) {
      call.cancel("test done", null);
    }
  }

  /** Only values of T and Throwables are queued, and the caller has ruled out the latter. */
  @SuppressWarnings("unchecked")
  private T value(Object arrival) {
    return (T) arrival;
  }
}
