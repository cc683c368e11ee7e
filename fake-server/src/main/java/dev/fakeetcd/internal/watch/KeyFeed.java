package dev.fakeetcd.internal.watch;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The applied changes of one member for the Lock and Election services, which etcd serves with an
 * in-process client watching that same member: a subscription sees the events of a key range from
 * a start revision on, first what the store's history already holds (one batch, as a watcher
 * catching up), then one batch per applied revision. Called under the cluster lock.
 */
public final class KeyFeed {

  /** What a feed reads of its member; the member's server implements it. */
  public interface Source {
    boolean isUp();

    MvccStore store();
  }

  /** Events of one watch response; {@code revision} is the header revision etcd would send. */
  public record Batch(long revision, List<Event> events) {
  }

  /** A subscription; its callbacks run in clock events of their own, never inside Raft. */
  public final class Subscription {
    private final ByteString key;
    private final ByteString rangeEnd;
    private final Consumer<Batch> onBatch;
    private final Consumer<EtcdException> onFailure;
    private long next;
    private boolean open = true;

    private Subscription(ByteString key, ByteString rangeEnd, long from, Consumer<Batch> onBatch,
        Consumer<EtcdException> onFailure) {
      this.key = key;
      this.rangeEnd = rangeEnd;
      this.next = from;
      this.onBatch = onBatch;
      this.onFailure = onFailure;
    }

    public void cancel() {
      open = false;
      subscriptions.remove(this);
    }

    /** Catches up from the store's history (after subscribing, or after a snapshot). */
    private void catchUp() {
      MvccStore store = member.store();
      long current = store.revision();
      if (next > current) {
        return;
      }
      List<Event> events;
      try {
        events = store.events(key, rangeEnd, next, current);
      } catch (EtcdException e) {
        cancel();
        later(() -> onFailure.accept(e));
        return;
      }
      next = current + 1;
      if (!events.isEmpty()) {
        Batch batch = new Batch(current, events);
        later(() -> deliver(batch));
      }
    }

    private void applied(long revision, List<Event> events) {
      if (revision < next) {
        return;
      }
      next = revision + 1;
      List<Event> mine = new ArrayList<>();
      for (Event e : events) {
        if (Watcher.covers(key, rangeEnd, e.getKv().getKey())) {
          mine.add(e);
        }
      }
      if (!mine.isEmpty()) {
        Batch batch = new Batch(revision, mine);
        later(() -> deliver(batch));
      }
    }

    private void deliver(Batch batch) {
      if (open) {
        onBatch.accept(batch);
      }
    }

    private void fail(EtcdException e) {
      open = false;
      later(() -> onFailure.accept(e));
    }
  }

  /** Runs a task in a clock event of its own. */
  private final Executor later;
  private final Source member;
  private final List<Subscription> subscriptions = new ArrayList<>();

  public KeyFeed(Executor later, Source member) {
    this.later = later;
    this.member = member;
  }

  /** Events of {@code [key, rangeEnd)} (or {@code key} alone) from revision {@code from} on. */
  public Subscription subscribe(ByteString key, ByteString rangeEnd, long from,
      Consumer<Batch> onBatch, Consumer<EtcdException> onFailure) {
    Subscription s = new Subscription(key, rangeEnd, from, onBatch, onFailure);
    if (!member.isUp()) {
      s.fail(EtcdError.STOPPED.toException());
      return s;
    }
    subscriptions.add(s);
    s.catchUp();
    return s;
  }

  public void applied(List<Event> events) {
    long revision = events.get(0).getKv().getModRevision();
    for (Subscription s : List.copyOf(subscriptions)) {
      s.applied(revision, events);
    }
  }

  public void restored() {
    for (Subscription s : List.copyOf(subscriptions)) {
      s.catchUp();
    }
  }

  public void stopped() {
    for (Subscription s : List.copyOf(subscriptions)) {
      s.fail(EtcdError.STOPPED.toException());
    }
    subscriptions.clear();
  }

  private void later(Runnable task) {
    later.execute(task);
  }
}
