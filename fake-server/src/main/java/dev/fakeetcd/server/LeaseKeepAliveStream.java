package dev.fakeetcd.server;

import dev.fakeetcd.api.LeaseKeepAliveRequest;
import dev.fakeetcd.api.LeaseKeepAliveResponse;
import dev.fakeetcd.sim.VirtualClock;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code LeaseKeepAlive} stream, served as etcd's loop: one request at a time, each answered
 * {@code {ID, TTL}} with a header taken before the renewal; an unknown or expired lease gets TTL 0,
 * any other failure ends the stream with its status. The client half-closing ends it once the
 * last answer is out. Answers go to gRPC in order from the server's sender pool, never under the
 * cluster lock; the next request is taken once the previous one is answered.
 */
final class LeaseKeepAliveStream implements StreamObserver<LeaseKeepAliveRequest> {

  private final EtcdServer server;
  private final MemberLeases leases;
  private final ServerCallStreamObserver<LeaseKeepAliveResponse> out;
  // Guarded by the cluster lock.
  private final ArrayDeque<LeaseKeepAliveRequest> queue = new ArrayDeque<>();
  private boolean busy;
  private boolean halfClosed;
  private boolean ended;
  /** What is still to be handed to gRPC, in order; drained by one sender task at a time. */
  private final ArrayDeque<Runnable> outbox = new ArrayDeque<>();
  private boolean draining;

  LeaseKeepAliveStream(EtcdServer server, MemberLeases leases,
      ServerCallStreamObserver<LeaseKeepAliveResponse> out) {
    this.server = server;
    this.leases = leases;
    this.out = out;
    out.setOnCancelHandler(() -> locked(this::end));
  }

  @Override
  public void onNext(LeaseKeepAliveRequest request) {
    locked(() -> {
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
      next();
    });
  }

  /** Ends the stream with {@code failure}'s status (the member stopped); under the cluster lock. */
  void stop(EtcdException failure) {
    if (!ended) {
      end();
      emit(() -> closeWith(failure.asStatusException()));
    }
  }

  private void next() {
    if (busy || ended) {
      return;
    }
    LeaseKeepAliveRequest request = queue.pollFirst();
    if (request == null) {
      if (halfClosed) {
        end();
        emit(out::onCompleted);
      }
      return;
    }
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
      emit(() -> closeWith(EtcdServer.toStatus(failure)));
      return;
    }
    LeaseKeepAliveResponse response = answer.setTTL(failure == null ? ttl : 0).build();
    emit(() -> {
      try {
        out.onNext(response);
      } catch (RuntimeException e) {
        locked(this::end);
      }
    });
    busy = false;
    next();
  }

  private void emit(Runnable send) {
    synchronized (outbox) {
      outbox.addLast(send);
      if (draining) {
        return;
      }
      draining = true;
    }
    server.watchSender().execute(this::drain);
  }

  private void drain() {
    while (true) {
      Runnable send;
      synchronized (outbox) {
        send = outbox.pollFirst();
        if (send == null) {
          draining = false;
          return;
        }
      }
      send.run();
    }
  }

  private void closeWith(StatusRuntimeException status) {
    try {
      out.onError(status);
    } catch (RuntimeException e) {
      // the call is already closed (cancelled by the client)
    }
  }

  private void end() {
    ended = true;
    queue.clear();
    leases.closed(this);
  }

  /** Runs {@code action} under the cluster lock, then lets the simulation settle around it. */
  private void locked(Runnable action) {
    VirtualClock clock = server.clock();
    synchronized (clock) {
      action.run();
      if (!clock.isRunning()) {
        clock.autoAdvance(() -> busy && !ended, server.requestTimeout().plus(server.election()));
      }
    }
  }
}
