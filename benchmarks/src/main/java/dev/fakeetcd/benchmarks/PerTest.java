package dev.fakeetcd.benchmarks;

import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.VirtualClock;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * One test's cost from setup to teardown, as a user pays it: a cluster (the fake's, as
 * {@code @EtcdTest} makes it, or real etcd processes on free ports), optionally a jetcd client on
 * its endpoints that does one put and one get, then the client and the cluster closed.
 */
final class PerTest {

  private static final ByteSequence KEY = ByteSequence.from("k", StandardCharsets.UTF_8);
  private static final ByteSequence VALUE = ByteSequence.from("v", StandardCharsets.UTF_8);

  private PerTest() {
  }

  /** As {@code @EtcdTest(members = n)} makes it: TCP, AUTO_ADVANCE, history recorded. */
  static ClusterConfig config(int members, long seed) {
    return ClusterConfig.builder().members(members).seed(seed).tcp(true)
        .clockMode(VirtualClock.Mode.AUTO_ADVANCE).build();
  }

  static long fake(int members, boolean client, long seed) throws Exception {
    long start = System.nanoTime();
    try (EtcdCluster cluster = FakeEtcd.newCluster(config(members, seed))) {
      if (client) {
        withClient(cluster.endpoints());
      }
    }
    return System.nanoTime() - start;
  }

  /**
   * Real etcd: started until it takes a put (its readiness), then killed outright ({@code kill},
   * its cheapest end) or stopped with SIGTERM, as {@code Process.destroy} does (then 3 members
   * take seconds: each tries to hand its leadership over while the others go down).
   */
  static long real(int members, boolean client, boolean kill, Path logDir) throws Exception {
    long start = System.nanoTime();
    try (RealEtcd etcd = RealEtcd.start(members, logDir)) {
      if (client) {
        withClient(etcd.endpoints());
      }
      if (kill) {
        etcd.kill();
      }
    }
    return System.nanoTime() - start;
  }

  static void withClient(List<URI> endpoints) throws ExecutionException, InterruptedException {
    try (Client client = Client.builder().endpoints(endpoints.toArray(URI[]::new)).build()) {
      putAndGet(client);
    }
  }

  /** The trivial test body: one put, one get that must see it. */
  static void putAndGet(Client client) throws ExecutionException, InterruptedException {
    client.getKVClient().put(KEY, VALUE).get();
    if (client.getKVClient().get(KEY).get().getKvs().size() != 1) {
      throw new IllegalStateException("the get did not see the put");
    }
  }
}
