package dev.fakeetcd.internal.watch;

import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberServer;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.transport.CallTrace;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.v3rpc.WatchStream;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The watch streams of one member, fed by that member's applied entries only: a member cut off
 * from the cluster applies nothing, so its watchers stall, and catch up in order once it applies
 * again (from new entries one revision at a time, or from its store's history after a snapshot).
 * Called under the cluster lock except where noted.
 */
public final class WatchHub {

  private final Cluster server;
  private final MemberServer member;
  private final List<WatchStream> streams = new ArrayList<>();

  public WatchHub(Cluster server, MemberServer member) {
    this.server = server;
    this.member = member;
  }

  /** A new stream for a client; any thread. A member that is down ends it at once. */
  public WatchStream open(ServerCallStreamObserver<WatchResponse> out) {
    WatchStream stream = new WatchStream(this, out, server.watchSender(),
        server.maxRequestBytes() + Cluster.RECEIVE_HEADROOM);
    boolean[] started = {false};
    run(() -> {
      if (member.isUp()) {
        streams.add(stream);
        stream.start();
        started[0] = true;
      } else {
        stream.stop(EtcdError.STOPPED.status());
      }
    });
    if (started[0]) {
      stream.readFirst();
    }
    return stream;
  }

  /** Runs {@code action} under the cluster lock, then whatever it made due now; any thread. */
  public void run(Runnable action) {
    server.run(action);
  }

  /** A client's request on a stream: recorded in the trace, then {@link #perform}ed. */
  public void request(String what, Runnable action) {
    run(() -> {
      CallTrace.record(server.trace(), member.id(), what);
      server.member(member.id()).perform(action);
    });
  }

  /**
   * Runs {@code action} as the member's own work, under the cluster lock: a paused member (a
   * stopped process) answers nothing until it resumes, then handles what waited in order; any
   * thread.
   */
  public void perform(Runnable action) {
    run(() -> server.member(member.id()).perform(action));
  }

  public void remove(WatchStream stream) {
    streams.remove(stream);
  }

  /** The member applied a revision; {@code events} are its changes in etcd's order. */
  public void applied(List<Event> events) {
    long revision = events.get(0).getKv().getModRevision();
    for (WatchStream s : streams) {
      s.applied(revision, events);
    }
  }

  /** The member's store was replaced by a snapshot. */
  public void restored() {
    for (WatchStream s : streams) {
      s.restored();
    }
  }

  /** The member went down: every stream ends as its connection would. */
  public void stopped() {
    for (WatchStream s : streams) {
      s.stop(EtcdError.STOPPED.status());
    }
    streams.clear();
  }

  public MvccStore store() {
    return member.store();
  }

  public ResponseHeader header(long revision) {
    return member.header(ResponseHeader.newBuilder().setRevision(revision).build());
  }

  public SimClock clock() {
    return server.clock();
  }

  public Duration progressInterval() {
    return server.watchProgressNotifyInterval();
  }
}
