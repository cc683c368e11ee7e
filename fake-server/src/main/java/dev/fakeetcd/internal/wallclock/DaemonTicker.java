package dev.fakeetcd.internal.wallclock;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A daemon thread outside the simulation core that runs a task every few milliseconds of real
 * time.
 */
public final class DaemonTicker {

  private final ScheduledExecutorService executor;
  /** The executor's one thread, joined on stop: its executor terminates before the thread ends. */
  private final AtomicReference<Thread> thread;

  private DaemonTicker(ScheduledExecutorService executor, AtomicReference<Thread> thread) {
    this.executor = executor;
    this.thread = thread;
  }

  public static DaemonTicker start(String threadName, long periodMillis, Runnable tick) {
    AtomicReference<Thread> thread = new AtomicReference<>();
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      thread.set(t);
      return t;
    });
    executor.scheduleWithFixedDelay(tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    return new DaemonTicker(executor, thread);
  }

  /** Stops the thread and waits for it, at most 5 s. */
  public void stop() {
    executor.shutdownNow();
    try {
      if (executor.awaitTermination(5, TimeUnit.SECONDS) && thread.get() != null) {
        thread.get().join(TimeUnit.SECONDS.toMillis(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
