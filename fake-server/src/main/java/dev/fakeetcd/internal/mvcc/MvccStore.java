package dev.fakeetcd.internal.mvcc;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * The multi-version key-value store of one member, with etcd 3.4's KV semantics
 * ({@code mvcc/kvstore.go}, {@code mvcc/kvstore_txn.go}): the revisioned key index, Range, Put,
 * DeleteRange and compaction. A txn is run by {@link KvTxn}, HashKV computed by {@link KvHasher},
 * the snapshot bytes written and read by {@link StoreCodec}.
 *
 * <p>Pure and deterministic: every member applies the same committed requests in the same order
 * and ends in the same state. Requests are assumed to have passed the request-time validation of
 * the gRPC layer; the checks etcd makes at apply time (lease existence, ignore-flag keys, range
 * revisions) are made here and raise {@link EtcdException}, leaving the store unchanged. Response
 * headers carry only {@code revision}; the server layer fills the rest.
 */
public final class MvccStore {
  /** etcd's key order: raw bytes, unsigned lexicographic. */
  public static final Comparator<ByteString> KEY_ORDER =
      ByteString.unsignedLexicographicalComparator();
  private static final ByteString FROM_KEY = ByteString.copyFrom(new byte[] {0});

  private final LongPredicate leaseExists;
  private final KvTxn txns = new KvTxn(this);
  private final TreeMap<ByteString, KeyHistory> index = new TreeMap<>(KEY_ORDER);
  private final TreeMap<Long, TreeSet<ByteString>> keysByLease = new TreeMap<>();
  private long revision = 1;
  private long compactRevision = -1;
  /** What the retained revisions take in the backend (see {@link KeyHistory#append}). */
  private long storedBytes;

  /** @param leaseExists whether a lease ID is granted now (consulted for puts with a lease) */
  public MvccStore(LongPredicate leaseExists) {
    this.leaseExists = Objects.requireNonNull(leaseExists, "leaseExists");
  }

  boolean leaseExists(long lease) {
    return leaseExists.test(lease);
  }

  /** The store revision: 1 on a fresh store, +1 per request that changed at least one key. */
  public long revision() {
    return revision;
  }

  /** The backend bytes of every retained revision of every key, tombstones included. */
  public long storedBytes() {
    return storedBytes;
  }

  /** The keys that exist now, deleted ones left out (etcd's keys gauge); O(keys). */
  public int liveKeys() {
    int live = 0;
    for (KeyHistory history : index.values()) {
      if (history.latest() != null) {
        live++;
      }
    }
    return live;
  }

  /** The revision of the last compaction, -1 if the store was never compacted. */
  public long compactRevision() {
    return compactRevision;
  }

  /**
   * A Range at the current store revision, as etcd 3.4 serves it ({@code etcdserver/apply.go}
   * over {@code mvcc/kvstore_txn.go}).
   */
  public RangeResponse range(RangeRequest request) {
    return range(request, revision);
  }

  public WriteResult<PutResponse> put(PutRequest request) {
    // A standalone put checks the lease before the ignore flags (etcd 3.4 etcdserver/apply.go).
    if (request.getLease() != 0 && !leaseExists.test(request.getLease())) {
      throw EtcdError.LEASE_NOT_FOUND.toException();
    }
    Batch batch = batch();
    PutResponse response = batch.run(() -> put(batch, request));
    return batch.commit(response);
  }

  public WriteResult<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    Batch batch = batch();
    DeleteRangeResponse response = batch.run(() -> deleteRange(batch, request));
    return batch.commit(response);
  }

  /**
   * Applies a txn (see {@link KvTxn}): its writes share one new revision; a txn that changes
   * nothing keeps the revision.
   */
  public WriteResult<TxnResponse> txn(TxnRequest request) {
    return txns.apply(request);
  }

  /** Compacts at {@code revision}; compaction never creates a revision. */
  public CompactionResponse compact(CompactionRequest request) {
    long revision = request.getRevision();
    if (revision <= compactRevision) {
      throw EtcdError.COMPACTED.toException();
    }
    if (revision > this.revision) {
      throw EtcdError.FUTURE_REV.toException();
    }
    compactRevision = revision;
    index.values().removeIf(history -> {
      storedBytes -= history.compact(revision);
      return history.isEmpty();
    });
    return CompactionResponse.newBuilder().setHeader(header(this.revision)).build();
  }

  /**
   * The key's KeyValue at {@code revision} (as a watcher's prev_kv is read), or empty when the
   * key was absent then or the revision is compacted or in the future.
   */
  public Optional<KeyValue> keyAt(ByteString key, long revision) {
    if (revision < compactRevision || revision > this.revision) {
      return Optional.empty();
    }
    KeyHistory history = index.get(key);
    return Optional.ofNullable(history == null ? null : history.at(revision));
  }

  /**
   * Events of the retained history for keys in {@code [key, rangeEnd)} (Range's rules for
   * {@code rangeEnd}) with revisions in {@code [fromRevision, toRevision]}, in revision order
   * and within a revision in change order, as a watcher replaying history sees them.
   *
   * @throws EtcdException COMPACTED when {@code fromRevision} is below the compact revision
   */
  public List<Event> events(ByteString key, ByteString rangeEnd, long fromRevision,
      long toRevision) {
    if (fromRevision < compactRevision) {
      throw EtcdError.COMPACTED.toException();
    }
    record Found(ByteString key, KeyHistory.Change change) {}
    List<Found> found = new ArrayList<>();
    for (Map.Entry<ByteString, KeyHistory> entry : slice(key, rangeEnd).entrySet()) {
      for (KeyHistory.Change change : entry.getValue().changes()) {
        if (change.main() >= fromRevision && change.main() <= toRevision) {
          found.add(new Found(entry.getKey(), change));
        }
      }
    }
    found.sort(Comparator.<Found>comparingLong(f -> f.change().main())
        .thenComparingInt(f -> f.change().sub()));
    List<Event> events = new ArrayList<>(found.size());
    for (Found f : found) {
      events.add(event(f.key(), f.change()));
    }
    return events;
  }

  /** Keys currently attached to {@code lease}, in key order. */
  public List<ByteString> keysAttachedTo(long lease) {
    TreeSet<ByteString> keys = keysByLease.get(lease);
    return keys == null ? List.of() : List.copyOf(keys);
  }

  /**
   * Deletes every key attached to {@code lease} in one revision, events in key order, as a lease
   * revoke does; no revision when none is attached. The lease itself is the lessor's business.
   */
  public WriteResult<Void> deleteAttached(long lease) {
    Batch batch = batch();
    for (ByteString key : keysAttachedTo(lease)) {
      batch.record(key, latest(key), null);
    }
    return batch.commit(null);
  }

  // ---- reads ----

  /** A Range read at {@code currentRevision}: the store's, or a txn's after its writes. */
  RangeResponse range(RangeRequest request, long currentRevision) {
    long rev = request.getRevision();
    if (rev > currentRevision) {
      throw EtcdError.FUTURE_REV.toException();
    }
    if (rev <= 0) {
      rev = currentRevision;
    }
    if (rev < compactRevision) {
      throw EtcdError.COMPACTED.toException();
    }
    List<KeyValue> live = liveAt(request.getKey(), request.getRangeEnd(), rev);
    RangeResponse.Builder response =
        RangeResponse.newBuilder().setHeader(header(currentRevision)).setCount(live.size());
    if (request.getCountOnly()) {
      return response.build();
    }
    boolean filtered = request.getMinModRevision() != 0 || request.getMaxModRevision() != 0
        || request.getMinCreateRevision() != 0 || request.getMaxCreateRevision() != 0;
    long limit = request.getLimit();
    // etcd fetches only limit+1 keys (in key order) when it neither sorts nor filters; a
    // non-KEY target with order NONE therefore sorts just that prefix (etcdserver/apply.go).
    List<KeyValue> kvs = live;
    if (limit > 0 && request.getSortOrderValue() == RangeRequest.SortOrder.NONE_VALUE && !filtered
        && limit + 1 < live.size()) {
      kvs = live.subList(0, (int) (limit + 1));
    }
    kvs = new ArrayList<>(kvs);
    kvs.removeIf(kv -> request.getMaxModRevision() != 0
            && kv.getModRevision() > request.getMaxModRevision()
        || request.getMinModRevision() != 0 && kv.getModRevision() < request.getMinModRevision()
        || request.getMaxCreateRevision() != 0
            && kv.getCreateRevision() > request.getMaxCreateRevision()
        || request.getMinCreateRevision() != 0
            && kv.getCreateRevision() < request.getMinCreateRevision());
    RangeSort.sort(kvs, request.getSortTargetValue(), request.getSortOrderValue());
    if (limit > 0 && kvs.size() > limit) {
      kvs = kvs.subList(0, (int) limit);
      response.setMore(true);
    }
    for (KeyValue kv : kvs) {
      response.addKvs(request.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
    }
    return response.build();
  }

  List<KeyValue> liveAt(ByteString key, ByteString rangeEnd, long rev) {
    List<KeyValue> live = new ArrayList<>();
    for (KeyHistory history : slice(key, rangeEnd).values()) {
      KeyValue kv = history.at(rev);
      if (kv != null) {
        live.add(kv);
      }
    }
    return live;
  }

  /** Histories of the keys in a range: empty end = one key; "\0" = every key >= key. */
  private Map<ByteString, KeyHistory> slice(ByteString key, ByteString rangeEnd) {
    if (rangeEnd.isEmpty()) {
      KeyHistory history = index.get(key);
      return history == null ? Map.of() : Map.of(key, history);
    }
    if (rangeEnd.equals(FROM_KEY)) {
      return index.tailMap(key, true);
    }
    if (KEY_ORDER.compare(rangeEnd, key) <= 0) {
      return Map.of();
    }
    return index.subMap(key, true, rangeEnd, false);
  }

  // ---- writes ----

  PutResponse put(Batch batch, PutRequest request) {
    ByteString key = request.getKey();
    KeyValue prev = latest(key);
    if ((request.getIgnoreValue() || request.getIgnoreLease()) && prev == null) {
      // Inside a txn only reachable when an earlier op removed the key (a from-key delete passes
      // the duplicate check); etcd 3.4.23 panics there (verified), the store rejects the txn.
      throw EtcdError.KEY_NOT_FOUND.toException();
    }
    KeyValue kv = KeyValue.newBuilder()
        .setKey(key)
        .setCreateRevision(prev == null ? batch.revision : prev.getCreateRevision())
        .setModRevision(batch.revision)
        .setVersion(prev == null ? 1 : prev.getVersion() + 1)
        .setValue(request.getIgnoreValue() ? prev.getValue() : request.getValue())
        .setLease(request.getIgnoreLease() ? prev.getLease() : request.getLease())
        .build();
    batch.record(key, prev, kv);
    PutResponse.Builder response = PutResponse.newBuilder().setHeader(header(batch.revision));
    if (request.getPrevKv() && prev != null) {
      response.setPrevKv(prev);
    }
    return response.build();
  }

  DeleteRangeResponse deleteRange(Batch batch, DeleteRangeRequest request) {
    List<KeyValue> doomed = liveAt(request.getKey(), request.getRangeEnd(), batch.readRevision());
    for (KeyValue kv : doomed) {
      batch.record(kv.getKey(), kv, null);
    }
    DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder()
        .setHeader(header(batch.readRevision()))
        .setDeleted(doomed.size());
    if (request.getPrevKv()) {
      response.addAllPrevKvs(doomed);
    }
    return response.build();
  }

  KeyValue latest(ByteString key) {
    KeyHistory history = index.get(key);
    return history == null ? null : history.latest();
  }

  static ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }

  private static Event event(ByteString key, KeyHistory.Change change) {
    if (change.isTombstone()) {
      return Event.newBuilder()
          .setType(Event.EventType.DELETE)
          .setKv(KeyValue.newBuilder().setKey(key).setModRevision(change.main()))
          .build();
    }
    return Event.newBuilder().setType(Event.EventType.PUT).setKv(change.kv()).build();
  }

  private void attach(ByteString key, KeyValue kv) {
    if (kv != null && kv.getLease() != 0) {
      keysByLease.computeIfAbsent(kv.getLease(), l -> new TreeSet<>(KEY_ORDER)).add(key);
    }
  }

  private void detach(ByteString key, KeyValue kv) {
    if (kv != null && kv.getLease() != 0) {
      TreeSet<ByteString> keys = keysByLease.get(kv.getLease());
      keys.remove(key);
      if (keys.isEmpty()) {
        keysByLease.remove(kv.getLease());
      }
    }
  }

  /** A new write request's changes, at the next revision. */
  Batch batch() {
    return new Batch();
  }

  /**
   * The changes of one write request, all at revision {@code current + 1}. Changes go straight
   * into the index so later ops of a txn see them; a failure undoes them all.
   */
  final class Batch {
    final long revision = MvccStore.this.revision + 1;
    private final List<Event> events = new ArrayList<>();
    /** The live value of each touched key before this batch (null = absent), for undo. */
    private final Map<ByteString, KeyValue> before = new LinkedHashMap<>();

    long readRevision() {
      return events.isEmpty() ? MvccStore.this.revision : revision;
    }

    /**
     * Records a put ({@code kv} non-null) or a delete of {@code key}, whose live value was
     * {@code prev}.
     */
    void record(ByteString key, KeyValue prev, KeyValue kv) {
      if (!before.containsKey(key)) {
        before.put(key, prev);
      }
      KeyHistory history = index.computeIfAbsent(key, k -> new KeyHistory(k.size()));
      KeyHistory.Change change = new KeyHistory.Change(revision, events.size(), kv);
      storedBytes += history.append(change.main(), change.sub(), kv);
      detach(key, prev);
      attach(key, kv);
      events.add(event(key, change));
    }

    <T> T run(Supplier<T> body) {
      try {
        return body.get();
      } catch (RuntimeException e) {
        undo();
        throw e;
      }
    }

    private void undo() {
      for (Map.Entry<ByteString, KeyValue> entry : before.entrySet()) {
        ByteString key = entry.getKey();
        KeyHistory history = index.get(key);
        detach(key, history.latest());
        storedBytes -= history.dropRevision(revision);
        if (history.isEmpty()) {
          index.remove(key);
        }
        attach(key, entry.getValue());
      }
    }

    <R> WriteResult<R> commit(R response) {
      if (!events.isEmpty()) {
        MvccStore.this.revision = revision;
      }
      return new WriteResult<>(response, MvccStore.this.revision, events);
    }
  }

  /** A HashKV answer: the hash, the store revision and the compact revision (-1 if none). */
  public record KvHash(int hash, long revision, long compactRevision) {
  }

  /** etcd's {@code HashByRev} at {@code rev} (0 = current); see {@link KvHasher}. */
  public KvHash hashKv(long rev) {
    return KvHasher.hash(this, rev);
  }

  /** The whole store as bytes (see {@link StoreCodec}); {@link #restore} reads it back. */
  public byte[] snapshot() {
    return StoreCodec.encode(this);
  }

  /** Replaces the whole store with a {@link #snapshot} (possibly of another member's store). */
  public void restore(byte[] snapshot) {
    StoreCodec.decode(snapshot, this);
  }

  /** Installs a decoded snapshot's state. */
  void replace(long revision, long compactRevision, TreeMap<ByteString, KeyHistory> histories,
      long storedBytes) {
    index.clear();
    index.putAll(histories);
    keysByLease.clear();
    for (Map.Entry<ByteString, KeyHistory> entry : index.entrySet()) {
      attach(entry.getKey(), entry.getValue().latest());
    }
    this.revision = revision;
    this.compactRevision = compactRevision;
    this.storedBytes = storedBytes;
  }

  /** Every key with retained history, in key order, with that history. */
  SortedMap<ByteString, KeyHistory> histories() {
    return index;
  }

  /** Keys that still have retained history; lets tests see what compaction dropped. */
  Collection<ByteString> keysWithHistory() {
    return index.keySet();
  }
}
