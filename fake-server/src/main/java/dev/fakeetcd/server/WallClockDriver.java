package dev.fakeetcd.server;

import dev.fakeetcd.sim.VirtualClock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Outside the pure core: lets virtual time follow real time, a few milliseconds at a time, for
 * the standalone server and for tests that want real expiry.
 */
final class WallClockDriver {

  private static final long PERIOD_MILLIS = 2;

  private final VirtualClock clock;
  private ScheduledExecutorService executor;

  WallClockDriver(VirtualClock clock) {
    this.clock = clock;
  }

  void start() {
    long origin = System.nanoTime();
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fake-etcd-wall-clock");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleAtFixedRate(() -> {
      synchronized (clock) {
        clock.syncTo(System.nanoTime() - origin);
      }
    }, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
