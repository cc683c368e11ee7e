package dev.fakeetcd.internal.transport;

import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.wallclock.DaemonTicker;
import java.time.Duration;
import java.util.List;

/**
 * Outside the pure core, for MANUAL mode, where only the test moves virtual time: a daemon thread
 * that warns once about each unary call that has been open for a while (3 s of real time) while
 * virtual time stood still, since such a call is most likely waiting for time nobody will move, and
 * would otherwise hang silently until the client's own deadline. It only reads the clock and the
 * open calls, so it cannot change what the simulation does.
 */
final class StuckCallWatchdog {

  static final System.Logger LOG = System.getLogger(StuckCallWatchdog.class.getName());
  private static final long PERIOD_MILLIS = 100;

  private final MemberEndpoints endpoints;
  private volatile long thresholdNanos = Duration.ofSeconds(3).toNanos();
  // Only on the watchdog's thread.
  private long lastVirtualNanos = -1;
  private long virtualStillSince;
  private DaemonTicker ticker;

  StuckCallWatchdog(MemberEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  /** How long a call and the clock must both stand still before the warning. */
  void threshold(Duration threshold) {
    thresholdNanos = threshold.toNanos();
  }

  void start() {
    ticker = DaemonTicker.start("fake-etcd-stuck-call-watchdog", PERIOD_MILLIS, this::check);
  }

  void stop() {
    if (ticker != null) {
      ticker.stop();
    }
  }

  private void check() {
    long now = System.nanoTime();
    Cluster cluster = endpoints.cluster();
    SimClock clock = cluster.clock();
    long virtual = clock.nanos();
    if (virtual != lastVirtualNanos) {
      lastVirtualNanos = virtual;
      virtualStillSince = now;
    }
    List<Long> ids = cluster.memberIds();
    for (int index = 0; index < Math.min(ids.size(), endpoints.served()); index++) {
      int i = index;
      long id = ids.get(i);
      for (OpenCalls.Open call : endpoints.linkFaults(i).openUnaryCalls()) {
        long waited = now - Math.max(call.openedNanos(), virtualStillSince);
        if (waited >= thresholdNanos && !cluster.query(() -> cluster.member(id).isPaused())
            && call.firstNotice()) {
          LOG.log(System.Logger.Level.WARNING, () -> message(call, i, id, now));
        }
      }
    }
  }

  private static String message(OpenCalls.Open call, int index, long id, long now) {
    return "fake-etcd: " + call.fullMethodName() + " on " + Cluster.memberName(index) + " ("
        + Long.toUnsignedString(id, 16) + ") has waited "
        + Duration.ofNanos(now - call.openedNanos()).toMillis() + " ms of real time while virtual"
        + " time stood still; with clock MANUAL only the test moves it: call"
        + " cluster.clock().advance(...), or use @EtcdTest(clock = AUTO_ADVANCE)"
        + " (ClusterConfig clockMode AUTO_ADVANCE) to let waiting calls move it";
  }
}
