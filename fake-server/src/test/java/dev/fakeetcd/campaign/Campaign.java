package dev.fakeetcd.campaign;

import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.Member;
import dev.fakeetcd.VirtualClock;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One seed of the fault campaign: a cluster of 1, 3 or 5 members, clients issuing random
 * operations to random members and random faults, all drawn from the seed; then every fault is
 * healed, the run settles and {@link Checks} judge it. Most seeds drive everything from one thread
 * on the MANUAL clock, so a seed replays exactly; one in 20 runs 2 to 4 real client threads on the
 * AUTO_ADVANCE clock (over TCP or in-process) while this thread injects faults: checked the same
 * way, but not replayable.
 */
final class Campaign {

  /** How long every call may take to be answered once the cluster is healed, in wall time. */
  private static final long ANSWER_CEILING_SECONDS = 20;
  /**
   * A real-thread client's deadline per call, a ceiling against a hang: on the AUTO_ADVANCE clock
   * even a call that times out in virtual time is answered within milliseconds.
   */
  private static final Duration THREAD_DEADLINE = Duration.ofSeconds(5);

  /**
   * What a seed decides before it runs. Each client has one call under way at most, as a real
   * client waiting for its answer has.
   */
  record Plan(long seed, int members, boolean threaded, boolean tcp, int clients, int keys,
      int steps) {

    static Plan of(long seed) {
      Random random = new Random(seed);
      int size = random.nextInt(10);
      boolean threaded = Math.floorMod(seed, 20) == 7;
      int clients = 2 + random.nextInt(3);
      return new Plan(seed, size < 2 ? 1 : size < 8 ? 3 : 5, threaded, random.nextBoolean(),
          threaded ? Math.min(clients, 3) : clients, 2 + random.nextInt(6),
          80 + random.nextInt(120));
    }

    @Override
    public String toString() {
      return "seed " + seed + ": " + members + " member(s), " + clients + " clients, " + keys
          + " keys, " + steps + " steps, " + (threaded ? "client threads over "
          + (tcp ? "TCP" : "in-process") + " (not replayable)" : "one thread, MANUAL clock");
    }
  }

  /**
   * What one seed found: its violations (none is a pass) and its trace: the whole of it if asked
   * for, else its summary if there are violations.
   */
  record Result(Plan plan, long wallNanos, List<String> violations, String trace) {
  }

  private final Plan plan;
  private final Tally tally;
  private final boolean fullTrace;
  private final Random random;

  private Campaign(Plan plan, Tally tally, boolean fullTrace) {
    this.plan = plan;
    this.tally = tally;
    this.fullTrace = fullTrace;
    this.random = new Random(plan.seed() * 0x9E3779B97F4A7C15L);
  }

  /** Runs {@code seed}, counting what it did into {@code tally}. */
  static Result run(long seed, Tally tally) {
    return new Campaign(Plan.of(seed), tally, false).run();
  }

  /** Runs {@code seed} and returns its cluster's whole trace. */
  static String trace(long seed) {
    return new Campaign(Plan.of(seed), new Tally(), true).run().trace();
  }

  private Result run() {
    String threadName = Thread.currentThread().getName();
    Thread.currentThread().setName("campaign seed " + plan.seed()); // for a thread dump
    try {
      return runNamed();
    } finally {
      Thread.currentThread().setName(threadName);
    }
  }

  private Result runNamed() {
    long start = System.nanoTime();
    tally.add("cluster", plan.members() + " member(s)" + (plan.threaded() ? " threaded" : ""));
    List<String> violations = new ArrayList<>();
    String trace = "";
    ClusterConfig config = ClusterConfig.builder().members(plan.members()).seed(plan.seed())
        .clockMode(plan.threaded() ? VirtualClock.Mode.AUTO_ADVANCE : VirtualClock.Mode.MANUAL)
        .tcp(plan.threaded() && plan.tcp()).build();
    try (EtcdCluster cluster = FakeEtcd.newCluster(config)) {
      List<ManagedChannel> channels = channels(cluster);
      Workload workload = new Workload(plan.keys(),
          plan.threaded() ? THREAD_DEADLINE : null, tally);
      Faults faults = new Faults(cluster, workload, tally, plan.threaded());
      try {
        if (plan.threaded()) {
          driveThreads(channels, workload, faults);
        } else {
          drive(cluster, channels, workload, faults);
        }
        faults.healAll();
        cluster.awaitLeader();
        // Every waiting request times out within the request timeout (7 s) plus an election.
        cluster.clock().advance(Duration.ofSeconds(10));
        violations.addAll(unanswered(workload));
        violations.addAll(workload.serverErrors());
        violations.addAll(Checks.convergence(cluster));
        workload.closeWatches();
        violations.addAll(Checks.history(cluster.history()));
        tally.add("recorded", "calls", cluster.history().operationCount());
      } catch (RuntimeException | AssertionError e) {
        violations.add("threw " + e);
      } finally {
        workload.closeWatches();
        channels.forEach(ManagedChannel::shutdownNow);
      }
      if (fullTrace) {
        trace = cluster.trace();
      } else if (!violations.isEmpty()) {
        trace = cluster.traceSummary(200);
      }
    } catch (RuntimeException e) {
      violations.add("threw " + e);
    }
    return new Result(plan, System.nanoTime() - start, violations, trace);
  }

  /** One channel per member: over TCP if the plan says so, else in-process. */
  private List<ManagedChannel> channels(EtcdCluster cluster) {
    List<ManagedChannel> channels = new ArrayList<>();
    for (Member m : cluster.members()) {
      if (plan.threaded() && plan.tcp()) {
        URI uri = m.endpoint().orElseThrow();
        channels.add(NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext()
            .build());
      } else {
        channels.add(cluster.inProcessChannel(m));
      }
    }
    return channels;
  }

  /**
   * One thread: each step has an idle client issue an operation, injects a fault or lets a little
   * time pass. A client's answer comes on this thread, within a call or an advance of the clock,
   * so which clients are idle is the same on every rerun.
   */
  private void drive(EtcdCluster cluster, List<ManagedChannel> channels, Workload workload,
      Faults faults) {
    List<CompletableFuture<?>> clients = new ArrayList<>();
    for (int c = 0; c < plan.clients(); c++) {
      clients.add(CompletableFuture.completedFuture(null));
    }
    for (int step = 0; step < plan.steps(); step++) {
      int r = random.nextInt(100);
      if (r < 60) {
        int client = random.nextInt(clients.size());
        ManagedChannel channel = channels.get(random.nextInt(channels.size()));
        if (clients.get(client).isDone()) {
          clients.set(client, workload.issue(random, channel));
        }
      } else if (r < 75) {
        faults.inject(random);
      } else {
        cluster.clock().advance(Duration.ofMillis(random.nextInt(300)));
      }
    }
  }

  /**
   * Real threads: each client issues its share of operations one at a time, waiting for each
   * answer (bounded by its deadline); this thread injects a fault whenever each client has
   * finished about one more operation, for at most a fifth of the steps.
   */
  private void driveThreads(List<ManagedChannel> channels, Workload workload, Faults faults) {
    // Half the calls of a one-thread seed: real threads overlap their calls far more, and four of
    // them for 100 calls took the linearizability search beyond 30 s in 3 seeds of 50.
    int threads = plan.clients();
    int opsEach = plan.steps() * 3 / 10 / threads;
    Semaphore progress = new Semaphore(0);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Random own = new Random(random.nextLong());
        clients.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < opsEach; i++) {
            await(workload.issue(own, channels.get(own.nextInt(channels.size()))),
                ANSWER_CEILING_SECONDS);
            progress.release();
          }
        }, pool));
      }
      CompletableFuture<Void> all =
          CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new));
      for (int step = 0; step < plan.steps() / 5 && !all.isDone(); step++) {
        faults.inject(random);
        try {
          progress.tryAcquire(threads, 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      await(all, ANSWER_CEILING_SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The calls still unanswered {@link #ANSWER_CEILING_SECONDS} after healing, if any. */
  private static List<String> unanswered(Workload workload) {
    CompletableFuture<Void> all =
        CompletableFuture.allOf(workload.calls().toArray(CompletableFuture[]::new));
    try {
      all.get(ANSWER_CEILING_SECONDS, TimeUnit.SECONDS);
      return List.of();
    } catch (TimeoutException e) {
      long open = workload.calls().stream().filter(f -> !f.isDone()).count();
      return List.of(open + " call(s) unanswered " + ANSWER_CEILING_SECONDS
          + " s (wall) after healing and 10 s (virtual) of settling");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e); // counted calls never fail
    }
  }

  private static void await(CompletableFuture<?> future, long seconds) {
    try {
      future.get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("a client did not finish within " + seconds + " s", e);
    }
  }
}
