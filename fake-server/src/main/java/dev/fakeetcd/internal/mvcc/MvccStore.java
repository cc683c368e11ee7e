package dev.fakeetcd.internal.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.ResponseOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.v3rpc.KvValidator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * The multi-version key-value store of one member, with etcd 3.4's KV semantics (reference §2).
 *
 * <p>Pure and deterministic: every member applies the same committed requests in the same order
 * and ends in the same state. Requests are assumed to have passed {@link KvValidator}; the checks
 * etcd makes at apply time (lease existence, ignore-flag keys, range revisions) are made here and
 * raise {@link EtcdException}, leaving the store unchanged. Response headers carry only
 * {@code revision}; the server layer fills the rest.
 */
public final class MvccStore {
  public static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();
  private static final ByteString FROM_KEY = ByteString.copyFrom(new byte[] {0});

  private final LongPredicate leaseExists;
  private final TreeMap<ByteString, KeyHistory> index = new TreeMap<>(KEY_ORDER);
  private final TreeMap<Long, TreeSet<ByteString>> keysByLease = new TreeMap<>();
  private long revision = 1;
  private long compactRevision = -1;
  /** What the retained revisions take in the backend (see {@link BackendFile}). */
  private long storedBytes;

  /** @param leaseExists whether a lease ID is currently granted (consulted for puts with a lease) */
  public MvccStore(LongPredicate leaseExists) {
    this.leaseExists = Objects.requireNonNull(leaseExists, "leaseExists");
  }

  /** The store revision: 1 on a fresh store, +1 per request that changed at least one key. */
  public long revision() {
    return revision;
  }

  /** The backend bytes of every retained revision of every key, tombstones included. */
  public long storedBytes() {
    return storedBytes;
  }

  /** The revision of the last compaction, -1 if the store was never compacted. */
  public long compactRevision() {
    return compactRevision;
  }

  /** A Range at the current store revision, with every rule of reference §2.3. */
  public RangeResponse range(RangeRequest request) {
    return range(request, revision);
  }

  public WriteResult<PutResponse> put(PutRequest request) {
    // A standalone put checks the lease before the ignore flags (reference §1.3 step 5).
    if (request.getLease() != 0 && !leaseExists.test(request.getLease())) {
      throw EtcdError.LEASE_NOT_FOUND.toException();
    }
    Batch batch = new Batch();
    PutResponse response = batch.run(() -> put(batch, request));
    return batch.commit(response);
  }

  public WriteResult<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    Batch batch = new Batch();
    DeleteRangeResponse response = batch.run(() -> deleteRange(batch, request));
    return batch.commit(response);
  }

  /**
   * Applies a txn: the decision path of the top level and of every nested txn it takes is fixed
   * on the pre-txn state; then the taken ops run in order, later ones seeing earlier writes, all
   * writes sharing one new revision. A txn that changes nothing keeps the revision.
   */
  public WriteResult<TxnResponse> txn(TxnRequest request) {
    Decision path = decide(request);
    if (!KvValidator.isReadOnly(request)) {
      checkTakenPuts(request, path);
    }
    checkTakenRanges(request, path);
    Batch batch = new Batch();
    TxnResponse.Builder response = batch.run(() -> applyTxn(batch, request, path));
    response.setHeader(header(batch.readRevision()));
    return batch.commit(response.build());
  }

  /** Compacts at {@code revision}; compaction never creates a revision (reference §2.6). */
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
  public List<Event> events(ByteString key, ByteString rangeEnd, long fromRevision, long toRevision) {
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
    found.sort(Comparator.<Found>comparingLong(f -> f.change().main()).thenComparingInt(f -> f.change().sub()));
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
    Batch batch = new Batch();
    for (ByteString key : keysAttachedTo(lease)) {
      batch.record(key, latest(key), null);
    }
    return batch.commit(null);
  }

  // ---- reads ----

  private RangeResponse range(RangeRequest request, long currentRevision) {
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
    // non-KEY target with order NONE therefore sorts just that prefix (reference §11 item 3).
    List<KeyValue> kvs = live;
    if (limit > 0 && request.getSortOrderValue() == RangeRequest.SortOrder.NONE_VALUE && !filtered
        && limit + 1 < live.size()) {
      kvs = live.subList(0, (int) (limit + 1));
    }
    kvs = new ArrayList<>(kvs);
    kvs.removeIf(kv -> request.getMaxModRevision() != 0 && kv.getModRevision() > request.getMaxModRevision()
        || request.getMinModRevision() != 0 && kv.getModRevision() < request.getMinModRevision()
        || request.getMaxCreateRevision() != 0 && kv.getCreateRevision() > request.getMaxCreateRevision()
        || request.getMinCreateRevision() != 0 && kv.getCreateRevision() < request.getMinCreateRevision());
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

  private List<KeyValue> liveAt(ByteString key, ByteString rangeEnd, long rev) {
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

  // ---- txn decision and apply-time checks ----

  /** The outcome of one txn level's compares and the decisions of the nested txns it takes. */
  private record Decision(boolean succeeded, List<Decision> nested) {
    List<RequestOp> taken(TxnRequest txn) {
      return succeeded ? txn.getSuccessList() : txn.getFailureList();
    }
  }

  private Decision decide(TxnRequest txn) {
    boolean succeeded = true;
    for (Compare compare : txn.getCompareList()) {
      if (!holds(compare)) {
        succeeded = false;
        break;
      }
    }
    List<Decision> nested = new ArrayList<>();
    for (RequestOp op : succeeded ? txn.getSuccessList() : txn.getFailureList()) {
      if (op.hasRequestTxn()) {
        nested.add(decide(op.getRequestTxn()));
      }
    }
    return new Decision(succeeded, nested);
  }

  private boolean holds(Compare compare) {
    List<KeyValue> kvs = liveAt(compare.getKey(), compare.getRangeEnd(), revision);
    if (kvs.isEmpty()) {
      // A missing value cannot be told from an empty one, so VALUE never holds (§2.5, §11 item 4).
      return compare.getTargetValue() != Compare.CompareTarget.VALUE_VALUE
          && compareKv(compare, KeyValue.getDefaultInstance());
    }
    for (KeyValue kv : kvs) {
      if (!compareKv(compare, kv)) {
        return false;
      }
    }
    return true;
  }

  private static boolean compareKv(Compare compare, KeyValue kv) {
    int result = switch (compare.getTargetValue()) {
      case Compare.CompareTarget.VALUE_VALUE -> KEY_ORDER.compare(kv.getValue(),
          compare.hasValue() ? compare.getValue() : ByteString.EMPTY);
      case Compare.CompareTarget.CREATE_VALUE -> Long.compare(kv.getCreateRevision(),
          compare.hasCreateRevision() ? compare.getCreateRevision() : 0);
      case Compare.CompareTarget.MOD_VALUE -> Long.compare(kv.getModRevision(),
          compare.hasModRevision() ? compare.getModRevision() : 0);
      case Compare.CompareTarget.VERSION_VALUE -> Long.compare(kv.getVersion(),
          compare.hasVersion() ? compare.getVersion() : 0);
      case Compare.CompareTarget.LEASE_VALUE -> Long.compare(kv.getLease(),
          compare.hasLease() ? compare.getLease() : 0);
      default -> 0;
    };
    return switch (compare.getResultValue()) {
      case Compare.CompareResult.EQUAL_VALUE -> result == 0;
      case Compare.CompareResult.NOT_EQUAL_VALUE -> result != 0;
      case Compare.CompareResult.GREATER_VALUE -> result > 0;
      case Compare.CompareResult.LESS_VALUE -> result < 0;
      default -> true;
    };
  }

  /** Ignore-flag keys, then the lease, per taken put, on the pre-txn state (§1.3 step 5). */
  private void checkTakenPuts(TxnRequest txn, Decision decision) {
    int nested = 0;
    for (RequestOp op : decision.taken(txn)) {
      if (op.hasRequestTxn()) {
        checkTakenPuts(op.getRequestTxn(), decision.nested().get(nested++));
      } else if (op.hasRequestPut()) {
        PutRequest put = op.getRequestPut();
        if ((put.getIgnoreValue() || put.getIgnoreLease()) && latest(put.getKey()) == null) {
          throw EtcdError.KEY_NOT_FOUND.toException();
        }
        if (put.getLease() != 0 && !leaseExists.test(put.getLease())) {
          throw EtcdError.LEASE_NOT_FOUND.toException();
        }
      }
    }
  }

  /**
   * Range revisions of the taken ops against the pre-txn state. Unlike a plain Range, a
   * negative revision is not read as "current" here: it fails as compacted unless it is not
   * below the compact revision.
   */
  private void checkTakenRanges(TxnRequest txn, Decision decision) {
    int nested = 0;
    for (RequestOp op : decision.taken(txn)) {
      if (op.hasRequestTxn()) {
        checkTakenRanges(op.getRequestTxn(), decision.nested().get(nested++));
      } else if (op.hasRequestRange()) {
        long rev = op.getRequestRange().getRevision();
        if (rev == 0) {
          continue;
        }
        if (rev > revision) {
          throw EtcdError.FUTURE_REV.toException();
        }
        if (rev < compactRevision) {
          throw EtcdError.COMPACTED.toException();
        }
      }
    }
  }

  private TxnResponse.Builder applyTxn(Batch batch, TxnRequest txn, Decision decision) {
    TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(decision.succeeded());
    int nested = 0;
    for (RequestOp op : decision.taken(txn)) {
      ResponseOp.Builder out = ResponseOp.newBuilder();
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> out.setResponseRange(range(op.getRequestRange(), batch.readRevision()));
        case REQUEST_PUT -> out.setResponsePut(put(batch, op.getRequestPut()));
        case REQUEST_DELETE_RANGE -> out.setResponseDeleteRange(deleteRange(batch, op.getRequestDeleteRange()));
        // Nested txn responses carry an empty header (reference §2.5).
        case REQUEST_TXN -> out.setResponseTxn(applyTxn(batch, op.getRequestTxn(), decision.nested().get(nested++))
            .setHeader(ResponseHeader.getDefaultInstance()));
        case REQUEST_NOT_SET -> { }
      }
      response.addResponses(out);
    }
    return response;
  }

  // ---- writes ----

  private PutResponse put(Batch batch, PutRequest request) {
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

  private DeleteRangeResponse deleteRange(Batch batch, DeleteRangeRequest request) {
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

  private KeyValue latest(ByteString key) {
    KeyHistory history = index.get(key);
    return history == null ? null : history.latest();
  }

  private static ResponseHeader header(long revision) {
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

  /**
   * The changes of one write request, all at revision {@code current + 1}. Changes go straight
   * into the index so later ops of a txn see them; a failure undoes them all.
   */
  private final class Batch {
    final long revision = MvccStore.this.revision + 1;
    private final List<Event> events = new ArrayList<>();
    /** The live value of each touched key before this batch (null = absent), for undo. */
    private final Map<ByteString, KeyValue> before = new LinkedHashMap<>();

    long readRevision() {
      return events.isEmpty() ? MvccStore.this.revision : revision;
    }

    /** Records a put ({@code kv} non-null) or a delete of {@code key} whose live value was {@code prev}. */
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

  private static final byte[] KEY_BUCKET = {'k', 'e', 'y'};

  /**
   * etcd's {@code HashByRev}: CRC-32C of the bucket name "key" and then, in revision order, every
   * stored (revision key, KeyValue) pair up to {@code rev} (0 = current). Revision keys are etcd's
   * 17 bytes (main, '_', sub, big-endian) plus 't' for a tombstone, whose value is a KeyValue with
   * the key alone. Of the pairs at or below the compact revision, only those a compaction at
   * {@code rev} would keep count, unless it would keep none.
   */
  public KvHash hashKv(long rev) {
    if (rev > 0 && rev <= compactRevision) {
      throw EtcdError.COMPACTED.toException();
    }
    if (rev > revision) {
      throw EtcdError.FUTURE_REV.toException();
    }
    long upTo = rev == 0 ? revision : rev;
    Comparator<KeyHistory.Change> byRevision = Comparator.<KeyHistory.Change>comparingLong(
        KeyHistory.Change::main).thenComparingInt(KeyHistory.Change::sub);
    TreeMap<KeyHistory.Change, byte[]> pairs = new TreeMap<>(byRevision);
    TreeSet<KeyHistory.Change> kept = new TreeSet<>(byRevision);
    for (Map.Entry<ByteString, KeyHistory> entry : index.entrySet()) {
      KeyHistory.Change last = null;
      for (KeyHistory.Change change : entry.getValue().changes()) {
        if (change.main() > upTo) {
          break;
        }
        pairs.put(change, pair(entry.getKey(), change));
        last = change;
      }
      if (last != null && !last.isTombstone()) {
        kept.add(last);
      }
    }
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(KEY_BUCKET);
    for (Map.Entry<KeyHistory.Change, byte[]> pair : pairs.entrySet()) {
      if (pair.getKey().main() <= compactRevision && !kept.isEmpty()
          && !kept.contains(pair.getKey())) {
        continue;
      }
      crc.update(pair.getValue());
    }
    return new KvHash((int) crc.getValue(), revision, compactRevision);
  }

  private static byte[] pair(ByteString key, KeyHistory.Change change) {
    byte[] value = (change.isTombstone() ? KeyValue.newBuilder().setKey(key).build() : change.kv())
        .toByteArray();
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(18 + value.length);
    bytes.putLong(change.main()).put((byte) '_').putLong(change.sub());
    if (change.isTombstone()) {
      bytes.put((byte) 't');
    }
    bytes.put(value);
    return java.util.Arrays.copyOf(bytes.array(), bytes.position());
  }

  // ---- snapshots ----

  /**
   * The whole store as bytes: revision, compact revision and every retained change of every key,
   * in key order, so equal stores give equal bytes. {@link #restore} reads it back.
   */
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeInt64NoTag(revision);
      out.writeInt64NoTag(compactRevision);
      out.writeUInt32NoTag(index.size());
      for (Map.Entry<ByteString, KeyHistory> entry : index.entrySet()) {
        out.writeBytesNoTag(entry.getKey());
        List<KeyHistory.Change> changes = entry.getValue().changes();
        out.writeUInt32NoTag(changes.size());
        for (KeyHistory.Change change : changes) {
          out.writeInt64NoTag(change.main());
          out.writeUInt32NoTag(change.sub());
          out.writeBoolNoTag(change.isTombstone());
          if (!change.isTombstone()) {
            out.writeMessageNoTag(change.kv());
          }
        }
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Replaces the whole store with a {@link #snapshot} (possibly of another member's store). */
  public void restore(byte[] snapshot) {
    CodedInputStream in = CodedInputStream.newInstance(snapshot);
    index.clear();
    keysByLease.clear();
    storedBytes = 0;
    try {
      revision = in.readInt64();
      compactRevision = in.readInt64();
      int keys = in.readUInt32();
      for (int k = 0; k < keys; k++) {
        ByteString key = in.readBytes();
        KeyHistory history = new KeyHistory(key.size());
        int changes = in.readUInt32();
        for (int c = 0; c < changes; c++) {
          long main = in.readInt64();
          int sub = in.readUInt32();
          KeyValue kv = in.readBool() ? null : in.readMessage(KeyValue.parser(), ExtensionRegistryLite.getEmptyRegistry());
          storedBytes += history.append(main, sub, kv);
        }
        index.put(key, history);
        attach(key, history.latest());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not an MvccStore snapshot", e);
    }
  }

  /** Keys that still have retained history; lets tests see what compaction dropped. */
  Collection<ByteString> keysWithHistory() {
    return index.keySet();
  }
}
