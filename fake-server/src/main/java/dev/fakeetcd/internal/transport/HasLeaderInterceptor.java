package dev.fakeetcd.internal.transport;

import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberServer;
import dev.fakeetcd.internal.sim.Trace;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * etcd's rule for calls carrying {@code hasleader: true}: they fail with {@code etcdserver: no
 * leader} while the member knows no leader, before anything else is looked at; and streams that
 * were admitted are ended with the same error once the member's leader monitor has found no leader
 * on 3 checks in a row. The monitor checks once per election timeout of virtual time, as part of
 * the member's own work (a paused member checks when it resumes; a restarted one starts counting
 * anew).
 */
public final class HasLeaderInterceptor implements ServerInterceptor {

  public static final Metadata.Key<String> HAS_LEADER =
      Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);
  /** Starts the trace line of the monitor ending streams. */
  public static final String TRACE_ENDED = "hasleader streams ended";
  /** etcd's maxNoLeaderCnt. */
  static final int NO_LEADER_CHECKS = 3;

  private final Cluster cluster;
  private final MemberServer member;
  private final Executor closer;
  private final OpenCalls streams = new OpenCalls();
  // Under the cluster lock.
  /** Checks in a row that found no leader. */
  private int noLeaderChecks;
  /** A check waits for a paused member; later due times do not add more. */
  private boolean checkQueued;

  HasLeaderInterceptor(Cluster cluster, MemberServer member, Executor closer) {
    this.cluster = cluster;
    this.member = member;
    this.closer = closer;
    synchronized (cluster.lock()) {
      scheduleCheck();
    }
  }

  private void scheduleCheck() {
    cluster.clock().schedule(cluster.election(), this::due);
  }

  private void due() {
    scheduleCheck();
    if (!member.isUp()) {
      noLeaderChecks = 0; // the monitor ends with the process; a restart starts a new one
      checkQueued = false;
    } else if (!checkQueued) {
      checkQueued = true;
      cluster.member(member.id()).perform(this::check);
    }
  }

  private void check() {
    checkQueued = false;
    noLeaderChecks = member.hasLeader() ? 0 : noLeaderChecks + 1;
    if (noLeaderChecks >= NO_LEADER_CHECKS && !streams.isEmpty()) {
      cluster.trace().record(Trace.Type.CLIENT, member.id(),
          TRACE_ENDED + ": no leader on " + noLeaderChecks + " checks in a row");
      try {
        closer.execute(() -> streams.endAll(EtcdError.NO_LEADER.status()));
      } catch (RejectedExecutionException e) {
        // the cluster is closed; its transports ended the calls already
      }
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!"true".equals(headers.get(HAS_LEADER))) {
      return next.startCall(call, headers);
    }
    if (!cluster.query(member::hasLeader)) {
      call.close(EtcdError.NO_LEADER.status(), new Metadata());
      return new ServerCall.Listener<>() {
      };
    }
    if (call.getMethodDescriptor().getType().clientSendsOneMessage()
        && call.getMethodDescriptor().getType().serverSendsOneMessage()) {
      return next.startCall(call, headers);
    }
    return streams.track(call, tracked -> next.startCall(tracked, headers));
  }
}
