package dev.fakeetcd.internal.history;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.ResponseOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The changes to keys a history proves, each at its revision: from the answers of OK writes (a
 * put at its response's header revision; a delete when its answer names the key) and from the
 * events watches delivered. Deletes the history does not show (expired leases, ranges deleted
 * without their previous values) are missing, so the checks only ever ask whether a known change
 * was missed or overtaken, never whether an unknown one happened.
 */
final class KnownWrites {

  static final Comparator<ByteString> KEYS = ByteString.unsignedLexicographicalComparator();

  /**
   * One change.
   *
   * @param value the value a put wrote, or null for a delete or a put that kept its value
   * @param source who proves it, as violation messages name it
   */
  record Change(long revision, ByteString key, Event.EventType type, ByteString value,
      String source) {
  }

  /** By revision, then by key. */
  private final TreeMap<Long, TreeMap<ByteString, Change>> byRevision = new TreeMap<>();
  /** By key, then by revision. */
  private final TreeMap<ByteString, TreeMap<Long, Change>> byKey = new TreeMap<>(KEYS);

  /** The changes that {@code log}'s OK writes prove. */
  static KnownWrites fromWrites(HistoryLog log) {
    KnownWrites known = new KnownWrites();
    String put = KVGrpc.getPutMethod().getFullMethodName();
    String delete = KVGrpc.getDeleteRangeMethod().getFullMethodName();
    String txn = KVGrpc.getTxnMethod().getFullMethodName();
    for (Operation op : log.operations()) {
      if (op.outcome() != Operation.Outcome.OK) {
        continue;
      }
      String source = Describe.operation(op);
      if (op.method().equals(put)) {
        PutResponse response = (PutResponse) op.response();
        known.put((PutRequest) op.request(), response.getHeader().getRevision(), source);
      } else if (op.method().equals(delete)) {
        DeleteRangeResponse response = (DeleteRangeResponse) op.response();
        known.delete((DeleteRangeRequest) op.request(), response,
            response.getHeader().getRevision(), source);
      } else if (op.method().equals(txn)) {
        TxnResponse response = (TxnResponse) op.response();
        known.txn((TxnRequest) op.request(), response, response.getHeader().getRevision(), source);
      }
    }
    return known;
  }

  private void put(PutRequest request, long revision, String source) {
    add(new Change(revision, request.getKey(), Event.EventType.PUT,
        request.getIgnoreValue() ? null : request.getValue(), source));
  }

  private void delete(DeleteRangeRequest request, DeleteRangeResponse response, long revision,
      String source) {
    if (response.getDeleted() == 0) {
      return;
    }
    if (response.getPrevKvsCount() > 0) {
      for (KeyValue kv : response.getPrevKvsList()) {
        add(new Change(revision, kv.getKey(), Event.EventType.DELETE, null, source));
      }
    } else if (request.getRangeEnd().isEmpty()) {
      add(new Change(revision, request.getKey(), Event.EventType.DELETE, null, source));
    }
  }

  private void txn(TxnRequest request, TxnResponse response, long revision, String source) {
    List<RequestOp> ops = response.getSucceeded() ? request.getSuccessList()
        : request.getFailureList();
    for (int i = 0; i < ops.size() && i < response.getResponsesCount(); i++) {
      RequestOp op = ops.get(i);
      ResponseOp answer = response.getResponses(i);
      switch (op.getRequestCase()) {
        case REQUEST_PUT -> put(op.getRequestPut(), revision, source);
        case REQUEST_DELETE_RANGE -> delete(op.getRequestDeleteRange(),
            answer.getResponseDeleteRange(), revision, source);
        case REQUEST_TXN -> txn(op.getRequestTxn(), answer.getResponseTxn(), revision, source);
        default -> { }
      }
    }
  }

  /** Adds {@code event}, delivered by {@code source}, unless a write already proves it. */
  void delivered(Event event, String source) {
    KeyValue kv = event.getKv();
    if (!of(kv.getKey()).containsKey(kv.getModRevision())) {
      add(new Change(kv.getModRevision(), kv.getKey(), event.getType(),
          event.getType() == Event.EventType.PUT ? kv.getValue() : null, source));
    }
  }

  private void add(Change change) {
    byRevision.computeIfAbsent(change.revision(), r -> new TreeMap<>(KEYS))
        .putIfAbsent(change.key(), change);
    byKey.computeIfAbsent(change.key(), k -> new TreeMap<>())
        .putIfAbsent(change.revision(), change);
  }

  /** The known changes from revision {@code from} to {@code to}, both included, by revision. */
  NavigableMap<Long, TreeMap<ByteString, Change>> between(long from, long to) {
    return from > to ? new TreeMap<>() : byRevision.subMap(from, true, to, true);
  }

  /** The known changes of {@code key}, by revision. */
  NavigableMap<Long, Change> of(ByteString key) {
    NavigableMap<Long, Change> changes = byKey.get(key);
    return changes == null ? Collections.emptyNavigableMap() : changes;
  }
}
