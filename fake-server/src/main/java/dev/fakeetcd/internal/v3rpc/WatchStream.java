package dev.fakeetcd.internal.v3rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.transport.ClientLinkFaults;
import dev.fakeetcd.internal.watch.WatchHub;
import dev.fakeetcd.internal.watch.Watcher;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client's watch stream on one member, after etcd's {@code serverWatchStream}.
 *
 * <p>Two halves. The core (every method not marked otherwise) runs under the cluster lock and
 * decides what to send, in order, into an outbox. A sender task on {@code sender} hands the outbox
 * to gRPC while the client is ready; gRPC objects are touched only there, or by the gRPC thread
 * that delivered a request, once the core is done with it (so a request is answered and the next
 * one read without a thread hand-off, as a unary call is), never under the cluster lock (an
 * in-process transport calls back into the server on the caller's thread). At most
 * {@link #MAX_PENDING} responses wait in the outbox: beyond that watchers stop taking live events,
 * fall back to catching up from history once the client reads again, and the next request is not
 * read until the answers to the last one are handed over. Requests, catch-up and progress ticks
 * are the member's own work: a paused member does them once it resumes.
 */
public final class WatchStream implements StreamObserver<WatchRequest> {

  public static final int MAX_PENDING = 128;
  /** etcd's watchBatchMaxRevs: distinct revisions per catch-up response. */
  static final int MAX_BATCH_REVISIONS = 1000;
  public static final String EMPTY_RANGE = "mvcc: watcher range is empty";
  public static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

  /** Outbox marker: read the next request. */
  private static final Object READ_NEXT = new Object();

  private final WatchHub hub;
  private final ServerCallStreamObserver<WatchResponse> out;
  private final Executor sender;
  private final int fragmentLimit;
  private final TreeMap<Long, Watcher> watchers = new TreeMap<>();
  private long nextAutoId;
  private boolean syncScheduled;
  private boolean ended;
  /**
   * Set (by the core) while it handles a request whose gRPC thread hands the answers over
   * afterwards; read by {@link #kick} on any thread.
   */
  private volatile boolean inline;
  private SimClock.Timer ticker;

  // Shared with the sender task.
  private final ConcurrentLinkedQueue<Object> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean sending = new AtomicBoolean();
  /** Set by the core when it held something back because the outbox was full. */
  private final AtomicBoolean stalled = new AtomicBoolean();
  private volatile boolean closed;

  public WatchStream(WatchHub hub, ServerCallStreamObserver<WatchResponse> out, Executor sender,
      int fragmentLimit) {
    this.hub = hub;
    this.out = out;
    this.sender = sender;
    this.fragmentLimit = fragmentLimit;
    out.disableAutoRequest();
    out.setOnReadyHandler(this::kick);
    out.setOnCancelHandler(this::clientGone);
    out.setOnCloseHandler(this::clientGone); // ended from outside: a dropped client link
  }

  /** Starts the progress ticker; under the cluster lock. */
  public void start() {
    scheduleTick();
  }

  /**
   * Reads the first request at once, as gRPC does for a unary call on the same connection (a
   * hop through the sender would let a put sent just after the create overtake it); not under the
   * cluster lock.
   */
  public void readFirst() {
    if (!closed) {
      out.request(1);
    }
  }

  // ---- requests (gRPC threads) ----

  @Override
  public void onNext(WatchRequest request) {
    // Set by whichever comes first of the core (done with the request) and this thread (back from
    // perform): if the core, this thread hands over the answers and reads the next request itself.
    AtomicBoolean first = new AtomicBoolean();
    hub.request(request.getRequestUnionCase().name().toLowerCase(Locale.ROOT), () -> {
      if (ended) {
        return;
      }
      boolean callerSends = first.compareAndSet(false, true);
      inline = callerSends;
      switch (request.getRequestUnionCase()) {
        case CREATE_REQUEST -> create(request.getCreateRequest());
        case CANCEL_REQUEST -> cancel(request.getCancelRequest().getWatchId());
        case PROGRESS_REQUEST -> send(WatchResponse.newBuilder()
            .setHeader(hub.header(hub.store().revision())).setWatchId(-1).build());
        case REQUESTUNION_NOT_SET -> { }
      }
      inline = false;
      outbox.add(READ_NEXT);
      if (!callerSends) {
        kick(); // a paused member handled it later, on another thread
      }
    });
    if (!first.compareAndSet(false, true)) {
      if (Thread.holdsLock(hub.clock())) {
        kick();
      } else if (!closed && sending.compareAndSet(false, true)) {
        drain(); // else the running sender task takes what the request left in the outbox
      }
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
    closed = true;
    outbox.clear();
    hub.run(() -> {
      end();
      hub.remove(this);
    });
  }

  // ---- the core ----

  private void create(WatchCreateRequest request) {
    long current = hub.store().revision();
    WatchResponse.Builder ack = WatchResponse.newBuilder().setHeader(hub.header(current))
        .setCreated(true);
    ByteString key = request.getKey().isEmpty() ? Watcher.ZERO : request.getKey();
    long id = request.getWatchId();
    String refused = null;
    if (Watcher.isEmptyRange(key, request.getRangeEnd())) {
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
    // Past (or negative) start revisions replay history; later ones wait for new revisions.
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
    send(WatchResponse.newBuilder().setHeader(hub.header(hub.store().revision())).setWatchId(id)
        .setCanceled(true).build());
  }

  /** A revision this member has just applied, with its events in etcd's order. */
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

  /** The store was replaced (a snapshot arrived): everyone catches up from its history. */
  public void restored() {
    for (Watcher w : watchers.values()) {
      w.synced = false;
    }
    scheduleSync();
  }

  private void scheduleSync() {
    if (!syncScheduled && !ended) {
      syncScheduled = true;
      hub.clock().schedule(java.time.Duration.ZERO, () -> hub.perform(this::sync));
    }
  }

  /** One catch-up pass: at most one response per unsynced watcher, as etcd's syncWatchers. */
  private void sync() {
    syncScheduled = false;
    if (ended) {
      return;
    }
    MvccStore store = hub.store();
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
      if (w.nextRevision < store.compactRevision()) {
        w.compacted = true;
        // No reason and no revision in the header: etcd's compaction cancel.
        send(WatchResponse.newBuilder()
            .setHeader(hub.header(current).toBuilder().setRevision(0))
            .setWatchId(w.id).setCanceled(true).setCompactRevision(store.compactRevision()).build());
        continue;
      }
      List<Event> history = store.events(w.key, w.rangeEnd, w.nextRevision, current);
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
    ticker = hub.clock().schedule(hub.progressInterval(), () -> hub.perform(this::tick));
  }

  private void tick() {
    if (ended) {
      return;
    }
    scheduleTick();
    long current = hub.store().revision();
    for (Watcher w : watchers.values()) {
      if (!w.progressNotify) {
        continue;
      }
      if (w.quiet && w.synced && !w.compacted && !congested()) {
        send(WatchResponse.newBuilder().setHeader(hub.header(current)).setWatchId(w.id).build());
      }
      w.quiet = true;
    }
  }

  /** The member stopped: the client sees its connection fail. */
  public void stop(Status status) {
    end();
    outbox.clear();
    outbox.add(status);
    kick();
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
    MvccStore store = hub.store();
    WatchResponse.Builder response = WatchResponse.newBuilder()
        .setHeader(hub.header(headerRevision)).setWatchId(w.id);
    for (Event e : events) {
      boolean creation = e.getType() == Event.EventType.PUT
          && e.getKv().getCreateRevision() == e.getKv().getModRevision();
      if (w.prevKv && !creation) {
        Event.Builder withPrev = e.toBuilder();
        store.keyAt(e.getKv().getKey(), e.getKv().getModRevision() - 1).ifPresent(withPrev::setPrevKv);
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
  public static List<WatchResponse> fragments(WatchResponse whole, int limit) {
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
    return pending.get() >= MAX_PENDING;
  }

  private void send(WatchResponse response) {
    pending.incrementAndGet();
    outbox.add(new Produced(response, hub.clock().nanos()));
    kick();
  }

  /** A response and the virtual time the core produced it at (a link delay counts from there). */
  private record Produced(WatchResponse response, long nanos) {
  }

  // ---- the sender (never under the cluster lock) ----

  private void kick() {
    if (!inline && !closed && sending.compareAndSet(false, true)) {
      try {
        sender.execute(this::drain);
      } catch (RejectedExecutionException e) {
        closed = true; // the cluster is closed; its transports ended the call already
      }
    }
  }

  private void drain() {
    try {
      Object next;
      while (!closed && (next = outbox.peek()) != null) {
        if (next instanceof Produced produced) {
          if (!out.isReady()) {
            break;
          }
          outbox.poll();
          ClientLinkFaults.sentAt(produced.nanos(), () -> out.onNext(produced.response()));
          pending.decrementAndGet();
        } else if (next == READ_NEXT) {
          outbox.poll();
          out.request(1);
        } else {
          closed = true;
          outbox.clear();
          out.onError(((Status) next).asRuntimeException());
        }
      }
    } finally {
      sending.set(false);
    }
    if (!closed && pending.get() < MAX_PENDING / 2 && stalled.compareAndSet(true, false)) {
      hub.run(this::scheduleSync);
    }
    if (!closed && !outbox.isEmpty() && (out.isReady() || !(outbox.peek() instanceof Produced))) {
      kick();
    }
  }
}
