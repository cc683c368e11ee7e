package dev.fakeetcd.internal.wallclock;

import dev.fakeetcd.internal.sim.SimClock;

/**
 * Outside the pure core: lets virtual time follow real time, a few milliseconds at a time, for
 * the standalone server and for tests that want real expiry.
 */
public final class WallClockDriver {

  private static final long PERIOD_MILLIS = 2;

  private final SimClock clock;
  private DaemonTicker ticker;

  public WallClockDriver(SimClock clock) {
    this.clock = clock;
  }

  public void start() {
    long origin = System.nanoTime();
    ticker = DaemonTicker.start("fake-etcd-wall-clock", PERIOD_MILLIS,
        () -> clock.syncTo(System.nanoTime() - origin));
  }

  public void stop() {
    if (ticker != null) {
      ticker.stop();
    }
  }
}
