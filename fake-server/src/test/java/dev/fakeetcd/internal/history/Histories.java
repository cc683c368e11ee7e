package dev.fakeetcd.internal.history;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.api.WatchResponse;
import java.util.ArrayList;
import java.util.List;

/** Hand-made histories for the checks' tests: each record takes the next sequence number. */
final class Histories {

  static final long SEED = 77;
  static final long MEMBER = 0x8e9e05c52164694dL;

  private long seq;
  private final List<Operation> operations = new ArrayList<>();
  private final List<WatchStream.StreamMessage> messages = new ArrayList<>();

  HistoryLog log() {
    List<WatchStream> watches = messages.isEmpty() ? List.of()
        : List.of(new WatchStream(0, MEMBER, 0, Long.MAX_VALUE, messages));
    return new HistoryLog(SEED, operations, watches, false);
  }

  static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }

  /** An OK put of {@code key} answered at {@code revision}. */
  Histories put(String key, String value, long revision) {
    return op(KVGrpc.getPutMethod().getFullMethodName(),
        PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build(),
        PutResponse.newBuilder().setHeader(header(revision)).build());
  }

  /** An OK delete of {@code key}, which existed, answered at {@code revision}. */
  Histories delete(String key, long revision) {
    return op(KVGrpc.getDeleteRangeMethod().getFullMethodName(),
        DeleteRangeRequest.newBuilder().setKey(bytes(key)).build(),
        DeleteRangeResponse.newBuilder().setHeader(header(revision)).setDeleted(1).build());
  }

  /** An OK compaction at {@code revision}. */
  Histories compact(long revision) {
    return op(KVGrpc.getCompactMethod().getFullMethodName(),
        CompactionRequest.newBuilder().setRevision(revision).build(),
        CompactionResponse.newBuilder().setHeader(header(revision)).build());
  }

  /** An OK serializable read of {@code key} at {@code revision}, finding it as given (or not). */
  Histories read(String key, long revision, String value, long modRevision) {
    return read(key, 0, revision, value, modRevision);
  }

  /** As {@link #read}, asking for the store as it was at {@code atRevision}. */
  Histories read(String key, long atRevision, long revision, String value, long modRevision) {
    RangeResponse.Builder response = RangeResponse.newBuilder().setHeader(header(revision));
    if (value != null) {
      response.addKvs(KeyValue.newBuilder().setKey(bytes(key)).setValue(bytes(value))
          .setModRevision(modRevision));
    }
    return op(KVGrpc.getRangeMethod().getFullMethodName(),
        RangeRequest.newBuilder().setKey(bytes(key)).setSerializable(true)
            .setRevision(atRevision).build(),
        response.build());
  }

  private Histories op(String method, Message request, Message response) {
    long invoke = seq++;
    long complete = seq++;
    operations.add(new Operation(operations.size(), MEMBER, method, request, invoke, invoke,
        complete, complete, Operation.Outcome.OK, response, null, null));
    return this;
  }

  /** The client creates a watch on {@code key} (a prefix if it ends in {@code *}). */
  Histories create(String key, long startRevision) {
    WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder()
        .setStartRevision(startRevision);
    if (key.endsWith("*")) {
      String prefix = key.substring(0, key.length() - 1);
      create.setKey(bytes(prefix)).setRangeEnd(bytes(prefix.substring(0, prefix.length() - 1)
          + (char) (prefix.charAt(prefix.length() - 1) + 1)));
    } else {
      create.setKey(bytes(key));
    }
    return message(true, WatchRequest.newBuilder().setCreateRequest(create).build());
  }

  /** The member answers the create: watch {@code id} at {@code revision}. */
  Histories created(long id, long revision) {
    return message(false, WatchResponse.newBuilder().setHeader(header(revision)).setWatchId(id)
        .setCreated(true).build());
  }

  /** Watch {@code id} gets one response with puts at the given "key@revision"s. */
  Histories events(long id, String... puts) {
    return response(id, false, puts);
  }

  /** As {@link #events}, marked as a fragment with more to follow. */
  Histories fragment(long id, String... puts) {
    return response(id, true, puts);
  }

  private Histories response(long id, boolean fragment, String... puts) {
    WatchResponse.Builder response = WatchResponse.newBuilder().setWatchId(id)
        .setFragment(fragment);
    long last = 0;
    for (String put : puts) {
      String[] parts = put.split("@");
      last = Long.parseLong(parts[1]);
      response.addEvents(Event.newBuilder().setType(Event.EventType.PUT).setKv(KeyValue
          .newBuilder().setKey(bytes(parts[0])).setValue(bytes("v")).setModRevision(last)));
    }
    return message(false, response.setHeader(header(last)).build());
  }

  /** Watch {@code id} gets a progress notification at {@code revision}. */
  Histories progress(long id, long revision) {
    return message(false, WatchResponse.newBuilder().setHeader(header(revision)).setWatchId(id)
        .build());
  }

  /** Watch {@code id} is cancelled because {@code compactRevision} was compacted. */
  Histories compacted(long id, long compactRevision) {
    return message(false, WatchResponse.newBuilder().setHeader(header(compactRevision))
        .setWatchId(id).setCanceled(true).setCompactRevision(compactRevision).build());
  }

  private Histories message(boolean fromClient, Message message) {
    messages.add(new WatchStream.StreamMessage(seq, seq, fromClient, message));
    seq++;
    return this;
  }
}
