package dev.fakeetcd.benchmarks;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.util.List;

/**
 * The first test in a fresh JVM, started by {@link Bench} on its own java and class path. With
 * {@code api}: from main's first line to a ready 3-member TCP cluster with a jetcd client that
 * did one put (and a get); with {@code junit}: the JUnit Platform launcher runs one
 * {@code @EtcdTest(members = 3)} test with an injected client, and {@code ready} comes once it has
 * finished (its cluster closed). Prints {@code ready <nanos>}, then for api {@code cluster
 * <nanos>} (the cluster alone), for junit {@code test <nanos>} (the test alone, as JUnit times
 * it), and once all is closed {@code closed <nanos>}. With {@code client <endpoint>}: only a
 * jetcd client's put and get on that endpoint, to a ready client closed again.
 */
public final class FirstTest {

  private FirstTest() {
  }

  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    if (args.length == 1 && args[0].equals("api")) {
      EtcdCluster cluster = FakeEtcd.newCluster(PerTest.config(3, 1));
      long ready = System.nanoTime() - start;
      try (Client client = Client.builder().endpoints(cluster.endpoints().toArray(URI[]::new))
          .build()) {
        PerTest.putAndGet(client);
        System.out.println("ready " + (System.nanoTime() - start));
        System.out.println("cluster " + ready);
      } finally {
        cluster.close();
      }
    } else if (args.length == 1 && args[0].equals("junit")) {
      long[] test = PerTestJUnit.run(PerTestJUnit.launcher(), PerTestJUnit.First.class);
      System.out.println("ready " + (System.nanoTime() - start));
      System.out.println("test " + test[0]);
    } else if (args.length == 2 && args[0].equals("client")) {
      // The client's own share: no fake at all, a real etcd the harness started.
      PerTest.withClient(List.of(URI.create(args[1])));
      System.out.println("ready " + (System.nanoTime() - start));
    } else {
      throw new IllegalArgumentException("usage: FirstTest api|junit|client <endpoint>");
    }
    System.out.println("closed " + (System.nanoTime() - start));
    System.out.flush();
    // jetcd and grpc leave non-daemon threads behind for a while; the figures are out.
    System.exit(0);
  }
}
