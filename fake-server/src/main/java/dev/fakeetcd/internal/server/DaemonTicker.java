package dev.fakeetcd.internal.server;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A daemon thread outside the simulation core that runs a task every few milliseconds of real
 * time.
 */
public final class DaemonTicker {

  private final ScheduledExecutorService executor;

  private DaemonTicker(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  public static DaemonTicker start(String threadName, long periodMillis, Runnable tick) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    return new DaemonTicker(executor);
  }

  /** Stops the thread and waits for it, at most 5 s. */
  public void stop() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
