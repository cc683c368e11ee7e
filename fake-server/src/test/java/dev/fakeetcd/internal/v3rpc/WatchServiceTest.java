package dev.fakeetcd.internal.v3rpc;

import static dev.fakeetcd.testing.WatchTestClient.bytes;
import static dev.fakeetcd.testing.WatchTestClient.revisions;
import static dev.fakeetcd.testing.WatchTestClient.watch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.transport.MemberEndpoints;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.internal.watch.Watcher;
import dev.fakeetcd.testing.WatchTestClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Watch service of a one-member cluster on a MANUAL clock, through in-process gRPC. */
class WatchServiceTest {

  private Cluster cluster;
  private ManagedChannel channel;
  private KVGrpc.KVBlockingStub kv;
  private final List<WatchTestClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    cluster = MemberEndpoints.start(7, SimConfig.builder().members(1)
        .clockMode(VirtualClock.Mode.MANUAL).build(), ServerSettings.defaults()).cluster();
    channel = InProcessChannelBuilder.forName(cluster.inProcessName(0)).directExecutor().build();
    kv = KVGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (WatchTestClient c : clients) {
      if (!c.hasEnded()) {
        c.close();
      }
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    cluster.close();
  }

  private WatchTestClient client() {
    WatchTestClient c = new WatchTestClient(channel);
    clients.add(c);
    return c;
  }

  private long put(String key, String value) {
    return kv.put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build())
        .getHeader().getRevision();
  }

  @Test
  void create_autoIds_startAtZeroAndSkipExplicitOnes() {
    WatchTestClient c = client();

    long first = c.created(watch("a")).getWatchId();
    long explicit = c.created(watch("b").setWatchId(2)).getWatchId();
    long second = c.created(watch("c")).getWatchId();
    long third = c.created(watch("d")).getWatchId();

    assertThat(List.of(first, explicit, second, third)).containsExactly(0L, 2L, 1L, 3L);
  }

  @Test
  void create_duplicateId_answersMinusOneCreatedCanceled() {
    WatchTestClient c = client();
    c.created(watch("a").setWatchId(7));

    WatchResponse dup = c.created(watch("b").setWatchId(7));

    assertThat(dup.getWatchId()).isEqualTo(-1);
    assertThat(dup.getCanceled()).isTrue();
    assertThat(dup.getCancelReason()).isEqualTo(WatchStream.DUPLICATE_ID);
  }

  @Test
  void create_emptyRange_answersMinusOneWithReasonAndUsesNoId() {
    WatchTestClient c = client();

    WatchResponse empty = c.created(watch("z").setRangeEnd(bytes("a")));
    long next = c.created(watch("a")).getWatchId();

    assertThat(empty.getWatchId()).isEqualTo(-1);
    assertThat(empty.getCanceled()).isTrue();
    assertThat(empty.getCancelReason()).isEqualTo(WatchStream.EMPTY_RANGE);
    assertThat(next).isZero();
  }

  @Test
  void create_headerCarriesCurrentRevisionAndMember() {
    long current = put("k", "v");
    WatchTestClient c = client();

    WatchResponse ack = c.created(watch("k"));

    assertThat(ack.getHeader().getRevision()).isEqualTo(current);
    assertThat(ack.getHeader().getMemberId()).isEqualTo(cluster.memberIds().get(0));
    assertThat(ack.getHeader().getClusterId()).isEqualTo(cluster.clusterId());
    assertThat(ack.getHeader().getRaftTerm()).isPositive();
  }

  @Test
  void liveEvents_oneResponsePerRevisionWithThatRevisionInTheHeader() {
    WatchTestClient c = client();
    c.created(watch("k"));

    long first = put("k", "1");
    long second = put("k", "2");

    WatchResponse a = c.next();
    WatchResponse b = c.next();
    assertThat(revisions(a)).containsExactly(first);
    assertThat(a.getHeader().getRevision()).isEqualTo(first);
    assertThat(revisions(b)).containsExactly(second);
    assertThat(b.getHeader().getRevision()).isEqualTo(second);
  }

  @Test
  void liveEvents_txnEventsComeInOpOrder() {
    WatchTestClient c = client();
    c.created(watch("").setRangeEnd(Watcher.ZERO));

    kv.txn(TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes("b"))))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes("a"))))
        .build());

    assertThat(c.next().getEventsList()).extracting(e -> e.getKv().getKey().toStringUtf8())
        .containsExactly("b", "a");
  }

  @Test
  void cancel_known_answersCanceled_unknown_answersNothing() {
    WatchTestClient c = client();
    long id = c.created(watch("k")).getWatchId();
    long current = put("x", "1");

    c.cancel(id);
    WatchResponse canceled = c.next();
    c.cancel(99);
    c.progress();
    WatchResponse progress = c.next();

    assertThat(canceled.getWatchId()).isEqualTo(id);
    assertThat(canceled.getCanceled()).isTrue();
    assertThat(canceled.getHeader().getRevision()).isEqualTo(current);
    assertThat(progress.getWatchId()).isEqualTo(-1);
    assertThat(progress.getCanceled()).isFalse();
  }

  @Test
  void progressRequest_answersMinusOneWithCurrentRevision() {
    long current = put("k", "v");
    WatchTestClient c = client();

    c.progress();
    WatchResponse progress = c.next();

    assertThat(progress.getWatchId()).isEqualTo(-1);
    assertThat(progress.getHeader().getRevision()).isEqualTo(current);
    assertThat(progress.getEventsCount()).isZero();
  }

  @Test
  void pastStartRevision_replaysHistoryInOneBatchWithCurrentRevisionInTheHeader() {
    long first = put("k", "1");
    long second = put("k", "2");
    long current = put("other", "x");
    WatchTestClient c = client();

    c.created(watch("k").setStartRevision(first));
    WatchResponse replay = c.next();

    assertThat(revisions(replay)).containsExactly(first, second);
    assertThat(replay.getHeader().getRevision()).isEqualTo(current);
  }

  @Test
  void pastStartRevision_batchesAtMostAThousandRevisions() {
    long first = put("k", "0");
    for (int i = 1; i < 1500; i++) {
      put("k", "" + i);
    }
    WatchTestClient c = client();

    c.created(watch("k").setStartRevision(first));
    WatchResponse a = c.next();
    WatchResponse b = c.next();

    assertThat(a.getEventsCount()).isEqualTo(1000);
    assertThat(b.getEventsCount()).isEqualTo(500);
    assertThat(revisions(b).get(0)).isEqualTo(first + 1000);
    assertThat(a.getHeader().getRevision()).isEqualTo(first + 1499);
  }

  @Test
  void futureStartRevision_skipsEarlierRevisions() {
    long current = put("k", "0");
    WatchTestClient c = client();
    c.created(watch("k").setStartRevision(current + 2));

    put("k", "1");
    long wanted = put("k", "2");

    assertThat(revisions(c.next())).containsExactly(wanted);
  }

  @Test
  void compactedStartRevision_cancelsWithCompactRevisionAndNoHeaderRevision() {
    long first = put("k", "1");
    long compacted = put("k", "2");
    cluster.compact(compacted);
    WatchTestClient c = client();

    c.created(watch("k").setStartRevision(first));
    WatchResponse cancel = c.next();

    assertThat(cancel.getCanceled()).isTrue();
    assertThat(cancel.getCompactRevision()).isEqualTo(compacted);
    assertThat(cancel.getCancelReason()).isEmpty();
    assertThat(cancel.getHeader().getRevision()).isZero();
    assertThat(cancel.getHeader().getMemberId()).isEqualTo(cluster.memberIds().get(0));
  }

  @Test
  void compactedWatcher_keepsItsIdUntilCanceled() {
    long first = put("k", "1");
    cluster.compact(put("k", "2"));
    WatchTestClient c = client();
    long id = c.created(watch("k").setStartRevision(first).setWatchId(5)).getWatchId();
    c.next();

    WatchResponse dup = c.created(watch("k").setWatchId(5));
    c.cancel(id);

    assertThat(dup.getCancelReason()).isEqualTo(WatchStream.DUPLICATE_ID);
    assertThat(c.next().getCanceled()).isTrue();
  }

  @Test
  void prevKv_onUpdatesAndDeletes_notOnCreations() {
    WatchTestClient c = client();
    c.created(watch("k").setPrevKv(true));

    put("k", "1");
    put("k", "2");
    kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build());

    Event created = c.next().getEvents(0);
    Event updated = c.next().getEvents(0);
    Event deleted = c.next().getEvents(0);
    assertThat(created.hasPrevKv()).isFalse();
    assertThat(updated.getPrevKv().getValue()).isEqualTo(bytes("1"));
    assertThat(deleted.getPrevKv().getValue()).isEqualTo(bytes("2"));
    assertThat(deleted.getKv().getModRevision()).isPositive();
    assertThat(deleted.getKv().getVersion()).isZero();
  }

  @Test
  void filters_dropEventsAndSendNoEmptyResponse() {
    WatchTestClient c = client();
    c.created(watch("k").addFilters(WatchCreateRequest.FilterType.NOPUT));

    put("k", "1");
    long deleted = kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build())
        .getHeader().getRevision();

    WatchResponse only = c.next();
    assertThat(revisions(only)).containsExactly(deleted);
    assertThat(only.getEvents(0).getType()).isEqualTo(Event.EventType.DELETE);
  }

  @Test
  void progressNotify_quietSyncedWatcherHearsTheRevisionEachInterval() {
    cluster.watchProgressNotifyInterval(Duration.ofSeconds(1));
    WatchTestClient c = client();
    c.created(watch("k").setProgressNotify(true));
    long current = put("other", "x");

    cluster.clock().advance(Duration.ofSeconds(1));
    WatchResponse progress = c.next();

    assertThat(progress.getWatchId()).isZero();
    assertThat(progress.getEventsCount()).isZero();
    assertThat(progress.getHeader().getRevision()).isEqualTo(current);
  }

  @Test
  void progressNotify_skippedAfterAnIntervalWithEvents() {
    cluster.watchProgressNotifyInterval(Duration.ofSeconds(1));
    WatchTestClient c = client();
    c.created(watch("k").setProgressNotify(true));
    cluster.clock().advance(Duration.ofMillis(500));
    put("k", "1");
    c.next();

    cluster.clock().advance(Duration.ofMillis(500));
    c.progress();

    assertThat(c.next().getWatchId()).as("the tick sent nothing before the requested progress").isEqualTo(-1);
  }

  @Test
  void slowClient_catchesUpFromHistoryWithoutLossOrRepeat() {
    WatchTestClient slow = new WatchTestClient(channel, true);
    clients.add(slow);
    slow.read(1);
    slow.created(watch("k"));
    List<Long> written = new ArrayList<>();
    for (int i = 0; i < 3 * WatchStream.MAX_PENDING; i++) {
      written.add(put("k", "" + i));
    }

    List<Long> seen = new ArrayList<>();
    int responses = 0;
    while (seen.size() < written.size()) {
      slow.read(1);
      seen.addAll(revisions(slow.next()));
      responses++;
    }

    assertThat(seen).containsExactlyElementsOf(written);
    assertThat(responses).as("later revisions came batched from history").isLessThan(written.size());
  }

  @Test
  void crash_endsStreamsUnavailable_restartedMemberServesNewOnes() {
    WatchTestClient c = client();
    c.created(watch("k"));
    long id = cluster.memberIds().get(0);

    cluster.crash(id);
    Status status = c.ended();
    cluster.restart(id);
    cluster.awaitLeader(Duration.ofSeconds(10));
    WatchTestClient again = client();
    again.created(watch("k"));
    long revision = put("k", "v");

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(revisions(again.next())).containsExactly(revision);
  }

  @Test
  void close_endsStreamsUnavailable() {
    WatchTestClient c = client();
    c.created(watch("k"));

    cluster.close();

    assertThat(c.ended().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void fragments_splitBelowTheLimitAndMarkAllButTheLast() {
    WatchResponse.Builder whole = WatchResponse.newBuilder().setWatchId(3);
    for (int i = 0; i < 5; i++) {
      whole.addEvents(Event.newBuilder().setKv(dev.fakeetcd.api.KeyValue.newBuilder()
          .setKey(bytes("k" + i)).setValue(bytes("x".repeat(100)))));
    }
    int limit = 3 * whole.getEvents(0).getSerializedSize() + 10;

    List<WatchResponse> parts = WatchStream.fragments(whole.build(), limit);

    assertThat(parts).extracting(WatchResponse::getEventsCount).containsExactly(2, 2, 1);
    assertThat(parts).extracting(WatchResponse::getFragment).containsExactly(true, true, false);
    assertThat(parts).allSatisfy(p -> assertThat(p.getSerializedSize()).isLessThan(limit));
  }
}
