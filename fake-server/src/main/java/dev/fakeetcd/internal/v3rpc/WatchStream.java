package dev.fakeetcd.internal.v3rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.server.CallerToken;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberServer;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.watch.WatchHub;
import dev.fakeetcd.internal.watch.Watcher;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client's watch stream on one member, after etcd's {@code serverWatchStream}.
 *
 * <p>Two halves. The core (every method not marked otherwise) runs under the cluster lock and
 * decides what to send, in order, into an {@link Outbox}, which hands it to gRPC off the lock
 * while the client is ready. gRPC objects are touched only there, or by the gRPC thread that
 * delivered a request, once the core is done with it (so a request is answered and the next one
 * read without a thread hand-off, as a unary call is). At most {@link #MAX_PENDING} responses wait
 * in the outbox: beyond that watchers stop taking live events, fall back to catching up from
 * history once the client reads again, and the next request is not read until the answers to the
 * last one are handed over. Requests, catch-up and progress ticks are the member's own work: a
 * paused member does them once it resumes.
 */
final class WatchStream implements StreamObserver<WatchRequest>, WatchHub.Stream {

  static final int MAX_PENDING = 128;
  /** etcd's watchBatchMaxRevs: distinct revisions per catch-up response. */
  static final int MAX_BATCH_REVISIONS = 1000;
  static final String EMPTY_RANGE = "mvcc: watcher range is empty";
  static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

  private final Cluster cluster;
  private final MemberServer member;
  private final ServerCallStreamObserver<WatchResponse> out;
  private final Outbox<WatchResponse> outbox;
  private final int fragmentLimit;
  private final TreeMap<Long, Watcher> watchers = new TreeMap<>();
  private long nextAutoId;
  private boolean syncScheduled;
  private boolean ended;
  private SimClock.Timer ticker;
  /** Set by the core when it held something back because the outbox was full. */
  private final AtomicBoolean stalled = new AtomicBoolean();
  /** The stream's credentials, looked up at every create, as etcd does. */
  private final Credentials caller;

  WatchStream(Cluster cluster, MemberServer member, ServerCallStreamObserver<WatchResponse> out) {
    this.cluster = cluster;
    this.member = member;
    this.caller = CallerToken.current();
    this.out = out;
    this.fragmentLimit = cluster.maxRequestBytes() + Cluster.RECEIVE_HEADROOM;
    this.outbox = new Outbox<>(out, cluster.watchSender(), cluster.clock()).waitingForReady()
        .onBroken(this::clientGone).afterDrain(this::resume);
    out.disableAutoRequest();
    out.setOnCancelHandler(this::clientGone);
    out.setOnCloseHandler(this::clientGone); // ended from outside: a dropped client link
  }

  /**
   * Joins the member's hub, or ends at once if the member is down; then reads the first request
   * at once, as gRPC does for a unary call on the same connection (a hop through the sender would
   * let a put sent just after the create overtake it). Not under the cluster lock.
   */
  void open() {
    boolean[] started = {false};
    cluster.run(() -> {
      if (member.isUp()) {
        member.watches().add(this);
        scheduleTick();
        started[0] = true;
      } else {
        stop(EtcdError.STOPPED.status());
      }
    });
    if (started[0] && !outbox.isClosed()) {
      out.request(1);
    }
  }

  // ---- requests (gRPC threads) ----

  @Override
  public void onNext(WatchRequest request) {
    // Set by whichever comes first of the core (done with the request) and this thread (back from
    // perform): if the core, this thread hands over the answers and reads the next request itself.
    AtomicBoolean first = new AtomicBoolean();
    String what = request.getRequestUnionCase().name().toLowerCase(Locale.ROOT);
    cluster.run(() -> {
      cluster.traceRequest(member.id(), what);
      cluster.member(member.id()).perform(() -> {
        if (ended) {
          return;
        }
        // Else a paused member handled it later, on another thread: the outbox sends it.
        outbox.forCaller(first.compareAndSet(false, true));
        switch (request.getRequestUnionCase()) {
          case CREATE_REQUEST -> create(request.getCreateRequest());
          case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
          case PROGRESS_REQUEST -> send(WatchResponse.newBuilder()
              .setHeader(header(member.store().revision())).setWatchId(-1).build());
          case REQUESTUNION_NOT_SET -> { }
        }
        outbox.then(() -> out.request(1)); // reads the next request
        outbox.forCaller(false);
      });
    });
    if (!first.compareAndSet(false, true)) {
      outbox.handOverHere();
    }
  }

  /** The client half-closed: etcd keeps sending until the stream is cancelled. */
  @Override
  public void onCompleted() {
  }

  @Override
  public void onError(Throwable t) {
    clientGone();
  }

  private void clientGone() {
    outbox.close();
    cluster.run(() -> {
      end();
      member.watches().remove(this);
    });
  }

  // ---- the core ----

  private void create(WatchCreateRequest request) {
    long current = member.store().revision();
    WatchResponse.Builder ack = WatchResponse.newBuilder().setHeader(header(current))
        .setCreated(true);
    ByteString key = request.getKey().isEmpty() ? Watcher.ZERO : request.getKey();
    long id = request.getWatchId();
    String refused = null;
    EtcdError denied = member.auth().watchRefusal(caller, key, request.getRangeEnd());
    if (denied != null) {
      refused = denied.goText();
    } else if (Watcher.isEmptyRange(key, request.getRangeEnd())) {
      refused = EMPTY_RANGE;
    } else if (id == 0) {
      while (watchers.containsKey(nextAutoId)) {
        nextAutoId++;
      }
      id = nextAutoId++;
    } else if (watchers.containsKey(id)) {
      refused = DUPLICATE_ID;
    }
    if (refused != null) {
      send(ack.setWatchId(-1).setCanceled(true).setCancelReason(refused).build());
      return;
    }
    long start = request.getStartRevision() == 0 ? current + 1 : request.getStartRevision();
    // Past (or negative) start revisions go through sync; later ones wait for new revisions.
    Watcher watcher = new Watcher(id, key, request, start, start > current);
    watchers.put(id, watcher);
    send(ack.setWatchId(id).build());
    if (!watcher.synced) {
      scheduleSync();
    }
  }

  private void cancel(long id) {
    if (watchers.remove(id) == null) {
      return; // etcd answers nothing for an unknown ID
    }
    send(WatchResponse.newBuilder().setHeader(header(member.store().revision())).setWatchId(id)
        .setCanceled(true).build());
  }

  @Override
  public void applied(long revision, List<Event> events) {
    if (ended) {
      return;
    }
    for (Watcher w : watchers.values()) {
      if (!w.synced || w.compacted || revision < w.nextRevision) {
        continue;
      }
      List<Event> mine = select(w, events);
      if (!mine.isEmpty() && congested()) {
        w.synced = false; // catches up from history once the client reads again
        stalled.set(true);
        continue;
      }
      w.nextRevision = revision + 1;
      if (!mine.isEmpty()) {
        sendEvents(w, revision, mine);
      }
    }
  }

  /** Everyone catches up from the new store's history. */
  @Override
  public void restored() {
    for (Watcher w : watchers.values()) {
      w.synced = false;
    }
    scheduleSync();
  }

  private void scheduleSync() {
    if (!syncScheduled && !ended) {
      syncScheduled = true;
      cluster.clock().schedule(Duration.ZERO, () -> perform(this::sync));
    }
  }

  /** One catch-up pass: at most one response per unsynced watcher, as etcd's syncWatchers. */
  private void sync() {
    syncScheduled = false;
    if (ended) {
      return;
    }
    MvccStore store = member.store();
    long current = store.revision();
    boolean more = false;
    for (Watcher w : watchers.values()) {
      if (w.synced || w.compacted) {
        continue;
      }
      if (w.nextRevision > current) {
        w.synced = true;
        continue;
      }
      if (congested()) {
        stalled.set(true);
        return;
      }
      long compactRevision = store.compactRevision();
      if (w.nextRevision < compactRevision) {
        w.compacted = true;
        // No reason and no revision in the header: etcd's compaction cancel. The store's
        // compact revision starts at -1 and may be 0 (Compact at 0), so a negative start revision
        // gets -1 (canceled) or 0 (not canceled: etcd cancels on a non-zero compact revision).
        send(WatchResponse.newBuilder()
            .setHeader(header(current).toBuilder().setRevision(0))
            .setWatchId(w.id).setCanceled(compactRevision != 0)
            .setCompactRevision(compactRevision).build());
        continue;
      }
      // etcd reads history from the unsigned form of a negative revision: nothing, so such a
      // watcher (start -1 before any compaction) takes new revisions only.
      List<Event> history = w.nextRevision < 0 ? List.of()
          : store.events(w.key, w.rangeEnd, w.nextRevision, current);
      int cut = 0;
      int revisions = 0;
      long lastRevision = 0;
      long moreFrom = 0;
      for (Event e : history) {
        long rev = e.getKv().getModRevision();
        if (rev != lastRevision && ++revisions > MAX_BATCH_REVISIONS) {
          moreFrom = rev;
          break;
        }
        lastRevision = rev;
        cut++;
      }
      w.nextRevision = moreFrom != 0 ? moreFrom : current + 1;
      w.synced = moreFrom == 0;
      more |= !w.synced;
      List<Event> batch = select(w, history.subList(0, cut));
      if (!batch.isEmpty()) {
        sendEvents(w, current, batch);
      }
    }
    if (more) {
      scheduleSync();
    }
  }

  /** etcd's progress ticker: a quiet, synced progress-notify watcher hears the current revision. */
  private void scheduleTick() {
    ticker = cluster.clock().schedule(cluster.watchProgressNotifyInterval(),
        () -> perform(this::tick));
  }

  private void tick() {
    if (ended) {
      return;
    }
    scheduleTick();
    long current = member.store().revision();
    for (Watcher w : watchers.values()) {
      if (!w.progressNotify) {
        continue;
      }
      if (w.quiet && w.synced && !w.compacted && !congested()) {
        send(WatchResponse.newBuilder().setHeader(header(current)).setWatchId(w.id).build());
      }
      w.quiet = true;
    }
  }

  /** The client sees its connection fail. */
  @Override
  public void stopped() {
    stop(EtcdError.STOPPED.status());
  }

  private void stop(Status status) {
    end();
    outbox.abort(status.asRuntimeException());
  }

  /**
   * Runs {@code action} as the member's own work: a paused member (a stopped process) answers
   * nothing until it resumes, then handles what waited in order; any thread.
   */
  private void perform(Runnable action) {
    cluster.run(() -> cluster.member(member.id()).perform(action));
  }

  private ResponseHeader header(long revision) {
    return member.header(ResponseHeader.newBuilder().setRevision(revision).build());
  }

  private void end() {
    ended = true;
    watchers.clear();
    if (ticker != null) {
      ticker.cancel();
    }
  }

  private List<Event> select(Watcher w, List<Event> events) {
    List<Event> mine = new ArrayList<>();
    for (Event e : events) {
      if (w.covers(e.getKv().getKey()) && w.passes(e)) {
        mine.add(e);
      }
    }
    return mine;
  }

  private void sendEvents(Watcher w, long headerRevision, List<Event> events) {
    MvccStore store = member.store();
    WatchResponse.Builder response = WatchResponse.newBuilder()
        .setHeader(header(headerRevision)).setWatchId(w.id);
    for (Event e : events) {
      boolean creation = e.getType() == Event.EventType.PUT
          && e.getKv().getCreateRevision() == e.getKv().getModRevision();
      if (w.prevKv && !creation) {
        Event.Builder withPrev = e.toBuilder();
        store.keyAt(e.getKv().getKey(), e.getKv().getModRevision() - 1)
            .ifPresent(withPrev::setPrevKv);
        response.addEvents(withPrev);
      } else {
        response.addEvents(e);
      }
    }
    w.quiet = false;
    if (w.fragment) {
      fragments(response.build(), fragmentLimit).forEach(this::send);
    } else {
      send(response.build());
    }
  }

  /**
   * etcd's sendFragments: a response of two or more events reaching {@code limit} bytes is split
   * into parts that stay below it (each part holds at least one event); all but the last are
   * marked {@code fragment}.
   */
  static List<WatchResponse> fragments(WatchResponse whole, int limit) {
    if (whole.getEventsCount() < 2 || whole.getSerializedSize() < limit) {
      return List.of(whole);
    }
    WatchResponse base = whole.toBuilder().clearEvents().setFragment(true).build();
    int baseSize = base.getSerializedSize();
    List<WatchResponse> parts = new ArrayList<>();
    int next = 0;
    int count = whole.getEventsCount();
    while (next < count) {
      WatchResponse.Builder part = base.toBuilder().addEvents(whole.getEvents(next));
      int size = baseSize + eventSize(whole.getEvents(next));
      next++;
      while (next < count) {
        size += eventSize(whole.getEvents(next));
        if (size >= limit) {
          break;
        }
        part.addEvents(whole.getEvents(next++));
      }
      if (next == count) {
        part.setFragment(false);
      }
      parts.add(part.build());
    }
    return parts;
  }

  private static int eventSize(Event event) {
    return CodedOutputStream.computeMessageSize(WatchResponse.EVENTS_FIELD_NUMBER, event);
  }

  private boolean congested() {
    return outbox.pending() >= MAX_PENDING;
  }

  private void send(WatchResponse response) {
    outbox.send(response);
  }

  /** After a drain (off the lock): watchers held back by a full outbox catch up. */
  private void resume() {
    if (!outbox.isClosed() && outbox.pending() < MAX_PENDING / 2
        && stalled.compareAndSet(true, false)) {
      cluster.run(this::scheduleSync);
    }
  }
}
