package dev.fakeetcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.internal.sim.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Calls that wait for the cluster lock at the same time go in together: whoever takes the lock
 * starts them all, and their proposals reach Raft as one batch, as etcd's raft node takes every
 * proposal waiting on its channel at once.
 */
class ConcurrentCallsBatchTest {

  private static final int CALLERS = 3;

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  @Test
  void put_callersWaitingForTheLock_replicateInOneAppend() throws Exception {
    EtcdCluster cluster = clusters.start(3, 7);
    Member leader = cluster.leader().orElseThrow();
    var kv = KVGrpc.newBlockingStub(clusters.channel(cluster, leader));
    long before = kv.put(put("warm")).getHeader().getRevision();
    int seen = cluster.traceEvents().size();

    List<Thread> callers = new ArrayList<>();
    List<CompletableFuture<PutResponse>> puts = new ArrayList<>();
    synchronized (cluster.lock()) {
      for (int i = 0; i < CALLERS; i++) {
        CompletableFuture<PutResponse> put = new CompletableFuture<>();
        String key = "k" + i;
        Thread caller = new Thread(() -> put.complete(kv.put(put(key))), "caller-" + i);
        caller.setDaemon(true);
        caller.start();
        callers.add(caller);
        puts.add(put);
      }
      for (Thread caller : callers) {
        awaitEntering(caller);
      }
    }

    List<Long> revisions = new ArrayList<>();
    for (CompletableFuture<PutResponse> put : puts) {
      revisions.add(put.get(30, TimeUnit.SECONDS).getHeader().getRevision());
    }
    assertThat(revisions).containsExactlyInAnyOrder(before + 1, before + 2, before + 3);
    List<Trace.Event> events = cluster.traceEvents();
    List<String> appends = events.subList(seen, events.size()).stream()
        .filter(e -> e.type() == Trace.Type.DELIVER && e.detail().contains("MSG_APP ")
            && e.detail().contains(" ents="))
        .map(Trace.Event::detail).toList();
    // One append to each follower carries the three entries; none carries a single one.
    assertThat(appends).hasSize(2).allMatch(detail -> entryCount(detail) == CALLERS);
  }

  private static PutRequest put(String key) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8("v")).build();
  }

  /** From a rendered append's {@code ents=first..last}. */
  private static long entryCount(String detail) {
    String range = detail.substring(detail.indexOf(" ents=") + 6).split(" ")[0];
    String[] ends = range.split("\\.\\.");
    return Long.parseLong(ends[1]) - Long.parseLong(ends[0]) + 1;
  }

  /** Waits until {@code thread} waits for the cluster lock to enter its call. */
  private static void awaitEntering(Thread thread) {
    while (true) {
      StackTraceElement[] stack = thread.getStackTrace();
      if (thread.getState() == Thread.State.BLOCKED) {
        for (int i = 0; i + 1 < stack.length; i++) {
          if (stack[i].getMethodName().equals("locked")
              && stack[i + 1].getClassName().endsWith(".ClusterLock")
              && stack[i + 1].getMethodName().equals("call")) {
            return;
          }
        }
      }
      assertThat(thread.isAlive()).as("%s still calling", thread.getName()).isTrue();
      Thread.onSpinWait();
    }
  }
}
