package dev.fakeetcd.conformance;

import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waits for a client call or a condition with a ceiling, so a target that stops answering fails the test instead of hanging it. */
public final class Await {

  private static final long TIMEOUT_SECONDS = 30;
  private static final int POLLS = 150;
  private static final long POLL_MILLIS = 100;

  private Await() {}

  /** The future's value; its failure is rethrown unwrapped so tests can assert on the client's exception. */
  public static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IllegalStateException("no answer within " + TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an answer", e);
    }
  }

  /**
   * Polls {@code condition} every 100 ms until it holds, for at most 15 s; a call failing meanwhile
   * (a member between leaders, not listening yet) counts as not yet.
   */
  public static void until(String what, BooleanSupplier condition) throws InterruptedException {
    for (int poll = 0; poll < POLLS; poll++) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (StatusRuntimeException notYet) {
        // polled again
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
    }
    throw new AssertionError("not within " + POLLS * POLL_MILLIS + " ms: " + what);
  }
}
