package dev.fakeetcd.conformance.watch;

import static dev.fakeetcd.conformance.Stubs.kv;
import static dev.fakeetcd.testing.WatchTestClient.revisions;
import static dev.fakeetcd.testing.WatchTestClient.watch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.conformance.Await;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.PrivateCluster;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import dev.fakeetcd.testing.WatchTestClient;

/**
 * Negative start revisions. etcd 3.4 ({@code mvcc/watchable_store.go}, {@code watcher_group.go})
 * syncs such a watcher from history: below the compact revision (-1 in a store never compacted, 0
 * after a Compact at 0) it gets a compaction notice, canceled only for a non-zero compact revision
 * ({@code etcdserver/api/v3rpc/watch.go}); otherwise its history read is empty (the revision,
 * unsigned, lies past every key), so it takes new revisions only. These need a store whose
 * compaction history is known: a cluster of their own.
 */
class WatchStartRevisionConformanceTest {

  private static long put(EtcdTarget target, String key) {
    return WatchConformanceTest.put(target, key, "v");
  }

  private static void compact(EtcdTarget target, long revision) {
    kv(target.channels().get(0)).compact(CompactionRequest.newBuilder().setRevision(revision)
        .build());
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void minusOne_neverCompacted_takesNewRevisionsOnly(ClusterLauncher launcher)
      throws InterruptedException {
    PrivateCluster cluster = launcher.launch();
    put(cluster, "k");
    put(cluster, "k");
    try (WatchTestClient w = new WatchTestClient(cluster.channels().get(0))) {
      long created = w.created(watch("k").setStartRevision(-1)).getHeader().getRevision();

      // etcd's first sync (within 100 ms) drops what was put before it: put until one arrives.
      Await.until("an event of the watch from -1", () -> {
        put(cluster, "k");
        return w.queued() > 0;
      });

      assertThat(revisions(w.next())).allMatch(revision -> revision > created);
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void minusTwo_neverCompacted_cancelsWithCompactRevisionMinusOne(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch();
    put(cluster, "k");
    try (WatchTestClient w = new WatchTestClient(cluster.channels().get(0))) {
      long id = w.created(watch("k").setStartRevision(-2)).getWatchId();

      WatchResponse notice = w.next();

      assertThat(notice.getWatchId()).isEqualTo(id);
      assertThat(notice.getCanceled()).isTrue();
      assertThat(notice.getCompactRevision()).isEqualTo(-1);
      assertThat(notice.getHeader().getRevision()).isZero();
      assertThat(notice.getEventsCount()).isZero();
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void negative_compactedAtZero_noticeIsNotCanceledAndTheWatchGetsNothingMore(
      ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch();
    put(cluster, "k");
    compact(cluster, 0);
    try (WatchTestClient w = new WatchTestClient(cluster.channels().get(0))) {
      long id = w.created(watch("k").setStartRevision(-1)).getWatchId();

      WatchResponse notice = w.next();
      put(cluster, "k");
      w.cancel(id);
      WatchResponse cancel = w.next();

      assertThat(notice.getWatchId()).isEqualTo(id);
      assertThat(notice.getCanceled()).isFalse();
      assertThat(notice.getCreated()).isFalse();
      assertThat(notice.getCompactRevision()).isZero();
      assertThat(notice.getHeader().getRevision()).isZero();
      assertThat(notice.getHeader().getMemberId()).isNotZero();
      assertThat(cancel.getWatchId()).isEqualTo(id);
      assertThat(cancel.getCanceled()).isTrue();
      assertThat(cancel.getEventsCount()).isZero();
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void negative_afterCompaction_cancelsWithTheCompactRevision(EtcdTarget target) {
    put(target, "k");
    long compacted = put(target, "k");
    compact(target, compacted);
    try (WatchTestClient w = new WatchTestClient(target.channels().get(0))) {
      long id = w.created(watch("k").setStartRevision(-1)).getWatchId();

      WatchResponse notice = w.next();

      assertThat(notice.getWatchId()).isEqualTo(id);
      assertThat(notice.getCanceled()).isTrue();
      assertThat(notice.getCompactRevision()).isEqualTo(compacted);
      assertThat(notice.getHeader().getRevision()).isZero();
    }
  }

  /**
   * Compaction removes a key's tombstone at the compact revision (etcd's keyIndex.compact), so a
   * watch starting there does not see that DELETE once the compaction is physical on its member
   * (before, a real etcd may still deliver it: physical=true waits for it here).
   */
  @ConformanceTest
  @Requires(Rpc.WATCH)
  void compactRevision_ofADelete_watchFromItStartsAfterTheDelete(EtcdTarget target) {
    put(target, "tomb/a");
    long deleted = kv(target.channels().get(0)).deleteRange(DeleteRangeRequest.newBuilder()
        .setKey(WatchTestClient.bytes("tomb/a")).build()).getHeader().getRevision();
    long next = put(target, "tomb/b");
    kv(target.channels().get(0)).compact(CompactionRequest.newBuilder().setRevision(deleted)
        .setPhysical(true).build());
    try (WatchTestClient w = new WatchTestClient(target.channels().get(0))) {
      w.created(watch("tomb/").setRangeEnd(WatchTestClient.bytes("tomb0"))
          .setStartRevision(deleted));

      WatchResponse events = w.next();

      assertThat(events.getEventsList()).extracting(e -> e.getKv().getKey().toStringUtf8())
          .containsExactly("tomb/b");
      assertThat(revisions(events)).containsExactly(next);
    }
  }
}
