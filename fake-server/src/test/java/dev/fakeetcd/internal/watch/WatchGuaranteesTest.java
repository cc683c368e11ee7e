package dev.fakeetcd.internal.watch;

import static dev.fakeetcd.testing.WatchTestClient.bytes;
import static dev.fakeetcd.testing.WatchTestClient.watch;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.transport.MemberEndpoints;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.testing.WatchTestClient;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every watcher of a three-member cluster receives, checked against the store's own history:
 * under concurrent writers, and on a member cut off from the others.
 */
class WatchGuaranteesTest {

  private Cluster cluster;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<WatchTestClient> clients = new ArrayList<>();

  private void start(int snapshotEntries) {
    cluster = MemberEndpoints.start(11, SimConfig.builder().members(3)
        .clockMode(VirtualClock.Mode.MANUAL)
        .preVote(false).checkQuorum(true).snapshotEntries(snapshotEntries).build(),
        ServerSettings.defaults()).cluster();
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (WatchTestClient c : clients) {
      if (!c.hasEnded()) {
        c.close();
      }
    }
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    cluster.close();
  }

  private ManagedChannel channel(long memberId) {
    ManagedChannel c = InProcessChannelBuilder
        .forName(cluster.inProcessName(cluster.memberIds().indexOf(memberId))).directExecutor().build();
    channels.add(c);
    return c;
  }

  private WatchTestClient client(long memberId) {
    WatchTestClient c = new WatchTestClient(channel(memberId));
    clients.add(c);
    return c;
  }

  private record Watch(WatchTestClient client, WatchCreateRequest request, long from) {
  }

  private MvccStore storeOf(long memberId) {
    synchronized (cluster.lock()) {
      return cluster.member(memberId).stateMachine().store();
    }
  }

  @Test
  void concurrentWriters_everyWatcherGetsExactlyItsRangesHistoryInOrder() throws Exception {
    start(10_000);
    List<Long> ids = cluster.memberIds();
    KVGrpc.KVBlockingStub seedWriter = KVGrpc.newBlockingStub(channel(ids.get(0)));
    for (int i = 0; i < 10; i++) {
      seedWriter.put(PutRequest.newBuilder().setKey(bytes("k" + i)).setValue(bytes("seed")).build());
    }
    List<WatchCreateRequest.Builder> shapes = List.of(
        watch("k3"),
        watch("k").setRangeEnd(bytes("l")),
        watch("k5").setRangeEnd(Watcher.ZERO),
        watch("").setRangeEnd(Watcher.ZERO),
        watch("k2").setRangeEnd(bytes("k7")).setStartRevision(5),
        watch("k").setRangeEnd(bytes("l")).setStartRevision(2));
    List<Watch> watches = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      WatchTestClient c = client(ids.get(i % ids.size()));
      WatchResponse ack = c.created(shapes.get(i));
      long start = shapes.get(i).getStartRevision();
      watches.add(new Watch(c, shapes.get(i).build(), start == 0 ? ack.getHeader().getRevision() + 1 : start));
    }

    ExecutorService writers = Executors.newFixedThreadPool(3);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      KVGrpc.KVBlockingStub writer = KVGrpc.newBlockingStub(channel(ids.get(w)));
      Random random = new Random(w);
      done.add(writers.submit(() -> {
        for (int op = 0; op < 60; op++) {
          write(writer, random);
        }
      }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    writers.shutdown();
    synchronized (cluster.lock()) {
      cluster.clock().runUntilIdle();
    }

    MvccStore store = storeOf(ids.get(0));
    long last = store.revision();
    for (Watch w : watches) {
      List<Event> expected = store.events(w.request().getKey().isEmpty() ? Watcher.ZERO : w.request().getKey(),
          w.request().getRangeEnd(), w.from(), last);
      List<Event> seen = new ArrayList<>();
      TreeMap<Long, Integer> responseOfRevision = new TreeMap<>();
      int response = 0;
      while (seen.size() < expected.size()) {
        WatchResponse r = w.client().next();
        response++;
        for (Event e : r.getEventsList()) {
          Integer before = responseOfRevision.put(e.getKv().getModRevision(), response);
          assertThat(before).as("revision %d split over responses", e.getKv().getModRevision())
              .isIn(null, response);
        }
        seen.addAll(r.getEventsList());
      }
      w.client().progress();
      assertThat(w.client().next().getWatchId()).as("nothing after the history").isEqualTo(-1);
      assertThat(seen).as("watch %s", w.request()).containsExactlyElementsOf(expected);
    }
  }

  private static void write(KVGrpc.KVBlockingStub kv, Random random) {
    ByteString key = bytes("k" + random.nextInt(10));
    switch (random.nextInt(3)) {
      case 0 -> kv.put(PutRequest.newBuilder().setKey(key).setValue(bytes("v" + random.nextInt())).build());
      case 1 -> kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(key).setRangeEnd(bytes("k" + 9)).build());
      default -> kv.txn(TxnRequest.newBuilder()
          .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key)))
          .addSuccess(RequestOp.newBuilder().setRequestPut(
              PutRequest.newBuilder().setKey(bytes("k" + random.nextInt(10) + "x"))))
          .build());
    }
  }

  @Test
  void partitionedMember_watchersStallThenDeliverTheMissedRevisionsInOrder() {
    start(10_000);
    assertPartitionedWatcherCatchesUp(5);
  }

  @Test
  void partitionedMember_catchingUpBySnapshot_deliversTheMissedRevisionsInOrder() {
    start(5);
    assertPartitionedWatcherCatchesUp(30);
  }

  private void assertPartitionedWatcherCatchesUp(int writes) {
    long leader = cluster.leaderId().orElseThrow();
    long follower = cluster.memberIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
    WatchTestClient c = client(follower);
    long before = c.created(watch("k")).getHeader().getRevision();
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel(leader));
    synchronized (cluster.lock()) {
      cluster.network().isolate(follower);
    }

    List<Long> written = new ArrayList<>();
    for (int i = 0; i < writes; i++) {
      written.add(kv.put(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("" + i)).build())
          .getHeader().getRevision());
    }
    c.progress();
    WatchResponse stalled = c.next();
    synchronized (cluster.lock()) {
      cluster.network().heal();
    }
    cluster.clock().advance(Duration.ofSeconds(3));

    List<Long> seen = new ArrayList<>();
    while (seen.size() < written.size()) {
      c.next().getEventsList().forEach(e -> seen.add(e.getKv().getModRevision()));
    }
    c.progress();
    WatchResponse after = c.next();
    assertThat(stalled.getWatchId()).isEqualTo(-1);
    assertThat(stalled.getHeader().getRevision()).isEqualTo(before);
    assertThat(seen).containsExactlyElementsOf(written);
    assertThat(after.getWatchId()).as("nothing repeated").isEqualTo(-1);
  }
}
