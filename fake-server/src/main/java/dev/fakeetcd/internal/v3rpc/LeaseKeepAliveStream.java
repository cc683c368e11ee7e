package dev.fakeetcd.internal.v3rpc;

import dev.fakeetcd.api.LeaseKeepAliveRequest;
import dev.fakeetcd.api.LeaseKeepAliveResponse;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberLeases;
import dev.fakeetcd.internal.sim.SimClock;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code LeaseKeepAlive} stream, served as etcd's loop: one request at a time, each answered
 * {@code {ID, TTL}} with a header taken before the renewal; an unknown or expired lease gets TTL 0,
 * any other failure ends the stream with its status. The client half-closing ends it once the
 * last answer is out. Answers go to gRPC in order through an {@link Outbox}, never under the
 * cluster lock; the next request is taken once the previous one is answered. A paused member takes
 * requests only once it resumes.
 *
 * <p>Departure (virtual time): a client renews on its own wall-clock timer, so a jump of virtual
 * time would expire the leases it keeps alive. So the stream is an active renewer of every lease it
 * renewed (TTL > 0): the member itself puts a request for the lease in this stream's queue at the
 * client's cadence, TTL/3 after the last renewal (jetcd's {@code LeaseImpl}: {@code ttl * 1000 / 3}
 * ms after an answer), so the renewal takes a client's path (forwarded to the leader over the
 * simulated network; a crash, a pause, an isolation or a dropped connection stops it where it would
 * stop the client's). It stops when the stream ends or is half-closed, or when a renewal of the
 * lease answers TTL 0 or fails (which ends the stream). Its answers go to the client like any
 * other: jetcd takes an answer with TTL > 0 as a renewal (it moves its next keep-alive and its
 * deadline on), ignores one for a lease it no longer keeps alive, and ends the keep-alive on TTL 0,
 * as its own next renewal would have made it.
 */
public final class LeaseKeepAliveStream implements StreamObserver<LeaseKeepAliveRequest>,
    MemberLeases.KeepAlive {

  private final Cluster cluster;
  private final MemberLeases leases;
  private final Outbox<LeaseKeepAliveResponse> outbox;
  // Guarded by the cluster lock.
  private final ArrayDeque<LeaseKeepAliveRequest> queue = new ArrayDeque<>();
  private boolean busy;
  private boolean halfClosed;
  private boolean ended;
  /** Waiting for the paused member to resume before taking the next request. */
  private boolean parked;
  /** Lease ID to the timer of the member's next renewal of it on the client's behalf. */
  private final TreeMap<Long, SimClock.Timer> renewers = new TreeMap<>();

  public LeaseKeepAliveStream(Cluster cluster, MemberLeases leases,
      ServerCallStreamObserver<LeaseKeepAliveResponse> out) {
    this.cluster = cluster;
    this.leases = leases;
    this.outbox = new Outbox<>(out, cluster.watchSender(), cluster.clock())
        .onBroken(() -> locked(this::end));
    out.setOnCancelHandler(this::clientGone);
    // A call closed from outside the handler (a dropped client connection) ends the stream too.
    out.setOnCloseHandler(this::clientGone);
  }

  private void clientGone() {
    outbox.close();
    locked(this::end);
  }

  @Override
  public void onNext(LeaseKeepAliveRequest request) {
    locked(() -> {
      leases.traceRequest(request.getID());
      if (!ended) {
        queue.addLast(request);
        next();
      }
    });
  }

  @Override
  public void onError(Throwable t) {
    locked(this::end);
  }

  @Override
  public void onCompleted() {
    locked(() -> {
      halfClosed = true;
      stopRenewing();
      next();
    });
  }

  /** Ends the stream with {@code failure}'s status (the member stopped); under the cluster lock. */
  @Override
  public void stop(EtcdException failure) {
    if (!ended) {
      end();
      outbox.fail(failure.asStatusException());
    }
  }

  private void next() {
    if (busy || parked || ended) {
      return;
    }
    if (queue.isEmpty()) {
      if (halfClosed) {
        end();
        outbox.complete();
      }
      return;
    }
    if (leases.isPaused()) {
      parked = true;
      leases.perform(() -> {
        parked = false;
        next();
      });
      return;
    }
    LeaseKeepAliveRequest request = queue.removeFirst();
    busy = true;
    LeaseKeepAliveResponse.Builder answer = LeaseKeepAliveResponse.newBuilder()
        .setID(request.getID()).setHeader(leases.header());
    CompletableFuture<Long> renewal;
    try {
      renewal = leases.renew(request.getID());
    } catch (EtcdException e) {
      renewal = CompletableFuture.failedFuture(e);
    }
    // Completed under the cluster lock: by a simulation event, or at once in here.
    renewal.whenComplete((ttl, failure) -> answered(answer, ttl, failure));
  }

  private void answered(LeaseKeepAliveResponse.Builder answer, Long ttl, Throwable failure) {
    if (ended) {
      return;
    }
    if (failure != null && !EtcdException.is(failure, EtcdError.LEASE_NOT_FOUND)) {
      end();
      outbox.fail(Cluster.toStatus(failure));
      return;
    }
    LeaseKeepAliveResponse response = answer.setTTL(failure == null ? ttl : 0).build();
    renewLater(response.getID(), response.getTTL());
    outbox.send(response);
    busy = false;
    next();
  }

  /** Schedules the member's renewal of lease {@code id} on the client's behalf; none if TTL 0. */
  private void renewLater(long id, long ttl) {
    SimClock.Timer next = halfClosed || ttl <= 0 ? null
        : cluster.clock().schedule(Duration.ofMillis(ttl * 1000 / 3), () -> renewNow(id));
    SimClock.Timer previous = next == null ? renewers.remove(id) : renewers.put(id, next);
    if (previous != null) {
      previous.cancel();
    }
  }

  /** Whether this stream renews lease {@code id} (also while its renewal is on its way). */
  @Override
  public boolean renews(long id) {
    return renewers.containsKey(id);
  }

  private void renewNow(long id) {
    if (!ended && !halfClosed) {
      queue.addLast(LeaseKeepAliveRequest.newBuilder().setID(id).build());
      next();
    }
  }

  private void stopRenewing() {
    renewers.values().forEach(SimClock.Timer::cancel);
    renewers.clear();
  }

  private void end() {
    ended = true;
    queue.clear();
    stopRenewing();
    leases.closed(this);
  }

  /** Runs {@code action} under the cluster lock, then lets the simulation settle around it. */
  private void locked(Runnable action) {
    cluster.run(action);
    cluster.settle(() -> busy && !ended);
  }

}
