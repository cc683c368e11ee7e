package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ParallelTest {

  static final int TESTS = 8;
  static final int PARALLELISM = 4;

  @EtcdTest(members = 3)
  static class Concurrent {
    /** Passes only when PARALLELISM tests wait at it at the same time. */
    static final CyclicBarrier TOGETHER = new CyclicBarrier(PARALLELISM);
    static final Set<EtcdCluster> CLUSTERS = ConcurrentHashMap.newKeySet();

    @RepeatedTest(TESTS)
    void writesToItsOwnCluster(EtcdCluster cluster, ManagedChannel channel) throws Exception {
      TOGETHER.await(60, TimeUnit.SECONDS);
      CLUSTERS.add(cluster);
      for (int i = 0; i < 20; i++) {
        KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8("k" + i)).setValue(ByteString.copyFromUtf8("v")).build());
      }
      cluster.network().isolate(cluster.leader().orElseThrow());
      cluster.awaitLeader();
      EtcdAssertions.assertThat(cluster).hasRevision(21).hasKey("k19").withValue("v");
    }
  }

  @Test
  void parallelExecution_manyTestsRunConcurrentlyOnSeparateClusters() {
    Concurrent.CLUSTERS.clear();
    Kits.assertAllSucceeded(Kits.run(Concurrent.class, Map.of(
        "junit.jupiter.execution.parallel.enabled", "true",
        "junit.jupiter.execution.parallel.mode.default", "concurrent",
        "junit.jupiter.execution.parallel.config.strategy", "fixed",
        "junit.jupiter.execution.parallel.config.fixed.parallelism", String.valueOf(PARALLELISM))),
        TESTS);
    assertThat(Concurrent.CLUSTERS).hasSize(TESTS);
  }
}
