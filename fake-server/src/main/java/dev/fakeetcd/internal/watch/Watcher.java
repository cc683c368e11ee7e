package dev.fakeetcd.internal.watch;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.internal.mvcc.MvccStore;

/**
 * One watch of a client's watch stream: its key range, options and how far it has been served.
 * Synced watchers get each new revision as it is applied; the others catch up from the store's
 * history, as etcd's unsynced watchers do. A compacted watcher receives nothing more but keeps its
 * ID until the client cancels it, as in etcd.
 */
public final class Watcher {

  public static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  public final long id;
  /** Never empty: etcd watches {@code "\0"} for an empty key. */
  public final ByteString key;
  /** Range's convention: empty = the key alone, {@code "\0"} = every key from {@code key} on. */
  public final ByteString rangeEnd;
  public final boolean prevKv;
  public final boolean fragment;
  public final boolean progressNotify;
  private final boolean noPut;
  private final boolean noDelete;

  /** The first revision this watcher has not been served yet. */
  public long nextRevision;
  public boolean synced;
  public boolean compacted;
  /** etcd's progress flag: no events were sent since the last progress tick. */
  public boolean quiet = true;

  public Watcher(long id, ByteString key, WatchCreateRequest request, long nextRevision,
      boolean synced) {
    this.id = id;
    this.key = key;
    this.rangeEnd = request.getRangeEnd();
    this.prevKv = request.getPrevKv();
    this.fragment = request.getFragment();
    this.progressNotify = request.getProgressNotify();
    this.noPut = request.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
    this.noDelete = request.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
    this.nextRevision = nextRevision;
    this.synced = synced;
  }

  /** Whether a non-empty range end lies at or before the key (not the from-key marker). */
  public static boolean isEmptyRange(ByteString key, ByteString rangeEnd) {
    return !rangeEnd.isEmpty() && !rangeEnd.equals(ZERO)
        && MvccStore.KEY_ORDER.compare(key, rangeEnd) >= 0;
  }

  public boolean covers(ByteString k) {
    return covers(key, rangeEnd, k);
  }

  /** Whether etcd's range {@code [key, rangeEnd)} (one key if empty, from key on if "\0") has k. */
  public static boolean covers(ByteString key, ByteString rangeEnd, ByteString k) {
    if (rangeEnd.isEmpty()) {
      return k.equals(key);
    }
    return MvccStore.KEY_ORDER.compare(k, key) >= 0
        && (rangeEnd.equals(ZERO) || MvccStore.KEY_ORDER.compare(k, rangeEnd) < 0);
  }

  /** Whether the event survives the watcher's NOPUT / NODELETE filters. */
  public boolean passes(Event event) {
    return event.getType() == Event.EventType.DELETE ? !noDelete : !noPut;
  }
}
