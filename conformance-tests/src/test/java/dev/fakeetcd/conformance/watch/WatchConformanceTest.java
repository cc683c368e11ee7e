package dev.fakeetcd.conformance.watch;

import static dev.fakeetcd.testing.WatchTestClient.bytes;
import static dev.fakeetcd.testing.WatchTestClient.revisions;
import static dev.fakeetcd.testing.WatchTestClient.watch;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import dev.fakeetcd.testing.WatchTestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Watch stream protocol through raw stubs: creation and watch IDs, start revisions and history
 * replay, events, cancellation, progress and fragmentation (etcd 3.4:
 * {@code etcdserver/api/v3rpc/watch.go}, {@code mvcc/watchable_store.go}).
 */
class WatchConformanceTest {

  private static final String DUPLICATE = "mvcc: duplicate watch ID provided on the WatchStream";
  private static final String EMPTY_RANGE = "mvcc: watcher range is empty";
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  private static KVGrpc.KVBlockingStub kv(EtcdTarget target) {
    return KVGrpc.newBlockingStub(target.channels().get(0)).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** Puts through member 0 and returns the new revision. */
  static long put(EtcdTarget target, String key, ByteString value) {
    return kv(target).put(PutRequest.newBuilder().setKey(bytes(key)).setValue(value).build())
        .getHeader().getRevision();
  }

  static long put(EtcdTarget target, String key, String value) {
    return put(target, key, bytes(value));
  }

  /** A raw watch stream to member 0. */
  private static WatchTestClient open(EtcdTarget target) {
    return new WatchTestClient(target.channels().get(0));
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void create_autoIds_startAtZeroAndSkipIdsInUse(EtcdTarget target) {
    try (WatchTestClient w = open(target)) {
      long explicit = w.created(watch("a").setWatchId(1)).getWatchId();
      long first = w.created(watch("b")).getWatchId();
      long second = w.created(watch("c")).getWatchId();

      assertThat(List.of(explicit, first, second)).containsExactly(1L, 0L, 2L);
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void create_duplicateId_answersMinusOneCreatedCanceledWithReason(EtcdTarget target) {
    try (WatchTestClient w = open(target)) {
      w.created(watch("a").setWatchId(7));

      WatchResponse dup = w.created(watch("b").setWatchId(7));

      assertThat(dup.getWatchId()).isEqualTo(-1);
      assertThat(dup.getCanceled()).isTrue();
      assertThat(dup.getCancelReason()).isEqualTo(DUPLICATE);
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void create_emptyRange_answersMinusOneCreatedCanceledWithReason(EtcdTarget target) {
    try (WatchTestClient w = open(target)) {
      WatchResponse empty = w.created(watch("z").setRangeEnd(bytes("a")));

      assertThat(empty.getWatchId()).isEqualTo(-1);
      assertThat(empty.getCanceled()).isTrue();
      assertThat(empty.getCancelReason()).isEqualTo(EMPTY_RANGE);
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void create_headerCarriesTheCurrentRevision(EtcdTarget target) {
    long current = put(target, "k", "v");
    try (WatchTestClient w = open(target)) {
      WatchResponse ack = w.created(watch("k"));

      assertThat(ack.getHeader().getRevision()).isEqualTo(current);
      assertThat(ack.getHeader().getMemberId()).isNotZero();
      assertThat(ack.getHeader().getRaftTerm()).isPositive();
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void create_emptyKeyWithFromKeyEnd_watchesEveryKey(EtcdTarget target) {
    try (WatchTestClient w = open(target)) {
      w.created(WatchCreateRequest.newBuilder().setRangeEnd(ZERO));

      long revision = put(target, "any", "v");

      assertThat(revisions(w.next())).containsExactly(revision);
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void cancel_known_answersCanceledWithCurrentRevision(EtcdTarget target) {
    try (WatchTestClient w = open(target)) {
      long id = w.created(watch("k")).getWatchId();
      long current = put(target, "other", "v");

      w.cancel(id);
      WatchResponse canceled = w.next();

      assertThat(canceled.getWatchId()).isEqualTo(id);
      assertThat(canceled.getCanceled()).isTrue();
      assertThat(canceled.getCreated()).isFalse();
      assertThat(canceled.getHeader().getRevision()).isEqualTo(current);
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void cancel_unknownId_answersNothing(EtcdTarget target) {
    try (WatchTestClient w = open(target)) {
      w.cancel(12345);
      w.progress();

      assertThat(w.next().getWatchId()).as("the progress answer comes first").isEqualTo(-1);
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void progressRequest_answersMinusOneWithTheCurrentRevision(EtcdTarget target) {
    long current = put(target, "k", "v");
    try (WatchTestClient w = open(target)) {
      w.progress();
      WatchResponse progress = w.next();

      assertThat(progress.getWatchId()).isEqualTo(-1);
      assertThat(progress.getHeader().getRevision()).isEqualTo(current);
      assertThat(progress.getEventsCount()).isZero();
      assertThat(progress.getCreated()).isFalse();
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void liveEvents_oneResponsePerRevisionWithThatRevisionInTheHeader(EtcdTarget target) {
    try (WatchTestClient w = open(target)) {
      w.created(watch("k"));
      long first = put(target, "k", "1");
      long second = put(target, "k", "2");

      WatchResponse a = w.next();
      WatchResponse b = w.next();

      assertThat(revisions(a)).containsExactly(first);
      assertThat(a.getHeader().getRevision()).isEqualTo(first);
      assertThat(revisions(b)).containsExactly(second);
      assertThat(b.getHeader().getRevision()).isEqualTo(second);
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void liveEvents_txnChangesComeInOpOrder_deletesInKeyOrder(EtcdTarget target) {
    put(target, "d1", "x");
    put(target, "d2", "x");
    try (WatchTestClient w = open(target)) {
      w.created(WatchCreateRequest.newBuilder().setRangeEnd(ZERO));
      kv(target).txn(TxnRequest.newBuilder()
          .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes("b"))))
          .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes("a"))))
          .build());
      kv(target).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("d")).setRangeEnd(bytes("e")).build());

      assertThat(w.next().getEventsList()).extracting(e -> e.getKv().getKey().toStringUtf8())
          .containsExactly("b", "a");
      assertThat(w.next().getEventsList()).extracting(e -> e.getKv().getKey().toStringUtf8())
          .containsExactly("d1", "d2");
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void deleteEvent_carriesOnlyKeyAndModRevision(EtcdTarget target) {
    put(target, "k", "v");
    try (WatchTestClient w = open(target)) {
      w.created(watch("k"));
      long deleted = kv(target).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build())
          .getHeader().getRevision();

      Event event = w.next().getEvents(0);

      assertThat(event.getType()).isEqualTo(Event.EventType.DELETE);
      assertThat(event.getKv()).isEqualTo(dev.fakeetcd.api.KeyValue.newBuilder().setKey(bytes("k"))
          .setModRevision(deleted).build());
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void replay_pastStartRevision_batchesRevisionsWithTheCurrentRevisionInTheHeader(EtcdTarget target) {
    long first = put(target, "k", "1");
    long second = put(target, "k", "2");
    long current = put(target, "other", "x");
    try (WatchTestClient w = open(target)) {
      w.created(watch("k").setStartRevision(first));
      WatchResponse replay = w.next();

      assertThat(revisions(replay)).containsExactly(first, second);
      assertThat(replay.getHeader().getRevision()).isEqualTo(current);
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void replay_moreThanAThousandRevisions_splitsAfterTheThousandth(EtcdTarget target) {
    long first = put(target, "k", "0");
    long last = first;
    for (int i = 1; i <= 1000; i++) {
      last = put(target, "k", "" + i);
    }
    try (WatchTestClient w = open(target)) {
      w.created(watch("k").setStartRevision(first));
      WatchResponse a = w.next();
      WatchResponse b = w.next();

      assertThat(a.getEventsCount()).isEqualTo(1000);
      assertThat(a.getHeader().getRevision()).isEqualTo(last);
      assertThat(revisions(b)).containsExactly(last);
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void replay_belowCompaction_cancelsWithCompactRevisionNoReasonNoHeaderRevision(EtcdTarget target) {
    long first = put(target, "k", "1");
    long compacted = put(target, "k", "2");
    kv(target).compact(CompactionRequest.newBuilder().setRevision(compacted).build());
    try (WatchTestClient w = open(target)) {
      long id = w.created(watch("k").setStartRevision(first)).getWatchId();
      WatchResponse cancel = w.next();

      assertThat(cancel.getWatchId()).isEqualTo(id);
      assertThat(cancel.getCanceled()).isTrue();
      assertThat(cancel.getCreated()).isFalse();
      assertThat(cancel.getCompactRevision()).isEqualTo(compacted);
      assertThat(cancel.getCancelReason()).isEmpty();
      assertThat(cancel.getHeader().getRevision()).isZero();
      assertThat(cancel.getHeader().getMemberId()).isNotZero();
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void prevKv_presentOnUpdatesAndDeletes_absentOnCreations(EtcdTarget target) {
    try (WatchTestClient w = open(target)) {
      w.created(watch("k").setPrevKv(true));
      put(target, "k", "1");
      put(target, "k", "2");
      kv(target).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build());

      Event created = w.next().getEvents(0);
      Event updated = w.next().getEvents(0);
      Event deleted = w.next().getEvents(0);

      assertThat(created.hasPrevKv()).isFalse();
      assertThat(updated.getPrevKv().getValue()).isEqualTo(bytes("1"));
      assertThat(deleted.getPrevKv().getValue()).isEqualTo(bytes("2"));
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void prevKv_belowCompaction_isOmitted(EtcdTarget target) {
    put(target, "k", "1");
    put(target, "k", "2");
    long third = put(target, "k", "3");
    kv(target).compact(CompactionRequest.newBuilder().setRevision(third).build());
    try (WatchTestClient w = open(target)) {
      w.created(watch("k").setPrevKv(true).setStartRevision(third));

      Event replayed = w.next().getEvents(0);

      assertThat(replayed.getKv().getModRevision()).isEqualTo(third);
      assertThat(replayed.hasPrevKv()).as("revision %d is compacted", third - 1).isFalse();
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void filters_dropMatchingEventsAndSendNoEmptyResponse(EtcdTarget target) {
    try (WatchTestClient noPut = open(target); WatchTestClient noDelete = open(target)) {
      noPut.created(watch("k").addFilters(WatchCreateRequest.FilterType.NOPUT));
      noDelete.created(watch("k").addFilters(WatchCreateRequest.FilterType.NODELETE));
      long put = put(target, "k", "1");
      long deleted = kv(target).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build())
          .getHeader().getRevision();
      noPut.progress();
      noDelete.progress();

      List<WatchResponse> putFiltered = List.of(noPut.next(), noPut.next());
      List<WatchResponse> deleteFiltered = List.of(noDelete.next(), noDelete.next());

      assertThat(revisions(putFiltered.get(0))).containsExactly(deleted);
      assertThat(putFiltered.get(1).getWatchId()).isEqualTo(-1);
      assertThat(revisions(deleteFiltered.get(0))).containsExactly(put);
      assertThat(deleteFiltered.get(1).getWatchId()).isEqualTo(-1);
    }
  }

  /** Four 800 kB events: two fit below max-request-bytes + 512 KiB, three do not. */
  private static long bigHistory(EtcdTarget target) {
    ByteString value = ByteString.copyFrom(new byte[800_000]);
    long first = put(target, "big", value);
    for (int i = 1; i < 4; i++) {
      put(target, "big", value);
    }
    return first;
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void fragment_largeResponse_splitsWithAllButTheLastMarked(EtcdTarget target) {
    long first = bigHistory(target);
    try (WatchTestClient w = open(target)) {
      w.created(watch("big").setStartRevision(first).setFragment(true));
      List<WatchResponse> parts = new ArrayList<>();
      do {
        parts.add(w.next());
      } while (parts.get(parts.size() - 1).getFragment());

      assertThat(parts).extracting(WatchResponse::getEventsCount).containsExactly(2, 2);
      assertThat(parts).extracting(WatchResponse::getFragment).containsExactly(true, false);
      assertThat(parts.get(0).getHeader()).isEqualTo(parts.get(1).getHeader());
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void fragment_notRequested_sendsOneLargeResponse(EtcdTarget target) {
    long first = bigHistory(target);
    try (WatchTestClient w = open(target)) {
      w.created(watch("big").setStartRevision(first));
      WatchResponse whole = w.next();

      assertThat(whole.getEventsCount()).isEqualTo(4);
      assertThat(whole.getFragment()).isFalse();
    }
  }
}
