package dev.fakeetcd.internal.server;

import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.sim.SimMember;
import dev.fakeetcd.internal.sim.Trace;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * etcd 3.4's auto-compactor ({@code v3compactor}) of one member, on the virtual clock. Every member
 * runs one from its (re)start; at each timer it acts only while its member is the leader (etcd
 * pauses the compactors of non-leaders), and it compacts through an ordinary Compact request. The
 * next timer is set once that request has finished, as etcd's loop blocks on it.
 *
 * <p>Periodic: a revision sample every tenth of the retention (of one hour for longer retentions),
 * the last {@code retention / interval + 1} kept; once a retention has passed since the start (then
 * an hour, or the retention if shorter, since the last success) it compacts at the oldest sample.
 * Samples are taken while paused too. Revision: every 5 minutes, current revision minus retention,
 * unless not positive or the same as last time. A compacted-revision error counts as success.
 *
 * <p>Departure: etcd's compactor starts unpaused until the member's first leadership change; here
 * it acts only while its member is leader. Called only under the cluster lock.
 */
final class AutoCompactor {

  static final String PERIODIC = "periodic";
  static final String REVISION = "revision";
  private static final long HOUR = Duration.ofHours(1).toNanos();
  /** etcd's {@code revInterval}. */
  static final Duration REVISION_INTERVAL = Duration.ofMinutes(5);

  private final MemberServer member;
  private final Cluster cluster;
  private final boolean periodic;
  /** Periodic: the retention in nanoseconds; revision: the number of revisions kept. */
  private final long retention;
  private final long intervalNanos;
  private final int keptSamples;
  private final ArrayDeque<Long> samples = new ArrayDeque<>();
  private long lastSuccessNanos;
  private long baseIntervalNanos;
  /** Revision mode: the last revision compacted at (etcd's {@code prev}). */
  private long previous;
  private SimClock.Timer timer;
  private boolean stopped;

  private AutoCompactor(MemberServer member, Cluster cluster, String mode, long retention) {
    this.member = member;
    this.cluster = cluster;
    this.periodic = PERIODIC.equals(mode);
    this.retention = retention;
    if (periodic) {
      intervalNanos = Math.min(retention, HOUR) / 10;
      keptSamples = (int) (retention / intervalNanos) + 1;
    } else {
      intervalNanos = REVISION_INTERVAL.toNanos();
      keptSamples = 0;
    }
  }

  /**
   * Starts member {@code member}'s compactor now.
   *
   * @param mode {@link #PERIODIC} (retention in nanoseconds, at least 10) or {@link #REVISION}
   *     (retention a positive count of revisions)
   */
  static AutoCompactor start(MemberServer member, Cluster cluster, String mode, long retention) {
    AutoCompactor compactor = new AutoCompactor(member, cluster, mode, retention);
    compactor.lastSuccessNanos = cluster.clock().nanos();
    compactor.baseIntervalNanos = retention;
    compactor.loop();
    return compactor;
  }

  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel();
    }
  }

  /** The top of etcd's loop: sample (periodic), then wait one interval. */
  private void loop() {
    if (stopped) {
      return;
    }
    if (periodic) {
      samples.addLast(store().revision());
      if (samples.size() > keptSamples) {
        samples.removeFirst();
      }
    }
    timer = cluster.clock().schedule(Duration.ofNanos(intervalNanos),
        // A paused process runs its timers late, once it resumes.
        () -> member.whenRunning(this::due));
  }

  private void due() {
    if (stopped) {
      return;
    }
    SimMember<EtcdStateMachine> m = cluster.sim().member(member.id());
    if (!m.isUp()) {
      stop(); // the process is gone; a restart starts a new compactor
      return;
    }
    if (m.leaderId() != member.id()) {
      loop();
      return;
    }
    long rev;
    if (periodic) {
      long now = cluster.clock().nanos();
      if (now - lastSuccessNanos < baseIntervalNanos) {
        loop();
        return;
      }
      baseIntervalNanos = Math.min(retention, HOUR);
      rev = samples.getFirst();
    } else {
      rev = store().revision() - retention;
      if (rev <= 0 || rev == previous) {
        loop();
        return;
      }
    }
    cluster.trace().record(Trace.Type.CLIENT, member.id(), "auto-compaction at " + rev);
    CompactionRequest request = CompactionRequest.newBuilder().setRevision(rev).build();
    cluster.recorded(member.id(), KVGrpc.getCompactMethod(), request,
        () -> member.compact(request, Credentials.NONE)).whenComplete((response, failure) -> {
      if (failure == null || EtcdException.is(failure, EtcdError.COMPACTED)) {
        if (periodic) {
          lastSuccessNanos = cluster.clock().nanos();
        } else {
          previous = rev;
        }
      } // else: retried at the next interval (periodic: with the samples moved on)
      loop();
    });
  }

  private MvccStore store() {
    return member.store();
  }
}
