package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchGrpc;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.api.WatchResponse;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Process and link faults called from several threads while other threads call the cluster over
 * in-process and TCP channels and through jetcd: nothing deadlocks, clients see only etcd's errors
 * or UNAVAILABLE, and the cluster works afterwards.
 */
@EtcdTest(members = 3, seed = 14)
class ConcurrentFaultsTest {

  /** Wall time the threads work for; each also stops after its own count of operations. */
  private static final Duration WORK = Duration.ofSeconds(4);
  /** Hang guard: every thread must have finished this long after the start. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(20);
  private static final int FAULTS_PER_THREAD = 60;
  private static final int CALLS_PER_THREAD = 400;

  private final ConcurrentLinkedQueue<String> wrongErrors = new ConcurrentLinkedQueue<>();
  /** What clients saw, by status code and text: printed, to show what the run exercised. */
  private final ConcurrentHashMap<String, AtomicInteger> seen = new ConcurrentHashMap<>();
  private final AtomicInteger faultCount = new AtomicInteger();
  private final AtomicInteger callCount = new AtomicInteger();

  @Test
  void faultsFromManyThreads_neverDeadlockAndClientsSeeOnlyEtcdErrorsOrUnavailable(
      EtcdCluster cluster, Client jetcd) throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(12);
    long deadline = System.nanoTime() + WORK.toNanos();
    try {
      List<Future<?>> work = new ArrayList<>();
      // Members 0 and 1 each get a fault thread of their own (crash/restart, pause/resume, drop);
      // a third thread drops member 2's connections, so that a quorum is up most of the time.
      for (int i = 0; i < 2; i++) {
        Member m = cluster.member(i);
        SplittableRandom random = new SplittableRandom(100 + i);
        work.add(threads.submit(() -> faults(cluster, m, random, deadline)));
      }
      work.add(threads.submit(() -> {
        for (int n = 0; n < FAULTS_PER_THREAD / 4 && System.nanoTime() < deadline; n++) {
          faultCount.incrementAndGet();
          cluster.clientLinks().drop(cluster.member(2));
        }
      }));
      for (Member m : cluster.members()) {
        for (boolean tcp : new boolean[] {false, true}) {
          ManagedChannel channel = tcp ? tcp(m.endpoint().orElseThrow())
              : cluster.inProcessChannel(m);
          channels.add(channel);
          String who = (tcp ? "tcp " : "in-process ") + m;
          work.add(threads.submit(() -> calls(channel, who, deadline)));
        }
      }
      for (int i = 0; i < 2; i++) {        // quick calls starting all the time on faulted members
        ManagedChannel channel = cluster.inProcessChannel(cluster.member(i));
        channels.add(channel);
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        String who = "in-process quick " + cluster.member(i);
        work.add(threads.submit(() -> {
          for (int n = 0; n < 20 * CALLS_PER_THREAD && System.nanoTime() < deadline; n++) {
            callCount.incrementAndGet();
            try {
              kv.withDeadlineAfter(30, TimeUnit.SECONDS).range(get("k").toBuilder()
                  .setSerializable(true).build());
            } catch (StatusRuntimeException e) {
              check(e.getStatus(), who);
            }
          }
        }));
      }
      work.add(threads.submit(() -> calls(n -> {
        try {
          jetcd.getKVClient().put(bytes("jetcd/" + n % 10), bytes("v" + n)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          check(Status.fromThrowable(e.getCause()), "jetcd");
        } catch (InterruptedException | TimeoutException e) {
          wrongErrors.add("jetcd: " + e);
        }
      }, deadline)));

      awaitWithoutDeadlock(work);
    } finally {
      threads.shutdownNow();
      // Not on this thread: after a deadlock a channel's shutdown may block for good.
      Thread closer = new Thread(() -> channels.forEach(ManagedChannel::shutdownNow));
      closer.setDaemon(true);
      closer.start();
      closer.join(TimeUnit.SECONDS.toMillis(10));
    }

    System.out.printf("%d faults, %d calls; errors seen: %s%n", faultCount.get(), callCount.get(),
        new TreeMap<>(seen));
    assertThat(wrongErrors).as("errors clients saw that a real etcd would not give").isEmpty();
    for (Member m : cluster.members()) {       // heal everything
      if (m.status().paused()) {
        m.resume();
      }
      if (!m.isUp()) {
        m.restart();
      }
    }
    ManagedChannel channel = cluster.inProcessChannel(cluster.awaitLeader());
    try {
      KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS);
      kv.put(put("after", "faults"));
      assertThat(kv.range(get("after")).getKvs(0).getValue().toStringUtf8()).isEqualTo("faults");
    } finally {
      channel.shutdownNow();
    }
  }

  /** Random faults on member {@code m}, keeping track of its state. */
  private void faults(EtcdCluster cluster, Member m, SplittableRandom random, long deadline) {
    boolean crashed = false;
    boolean paused = false;
    for (int n = 0; n < FAULTS_PER_THREAD && System.nanoTime() < deadline; n++) {
      faultCount.incrementAndGet();
      switch (random.nextInt(3)) {
        case 0 -> {
          if (crashed) {
            m.restart();
          } else {
            m.crash();
            paused = false;
          }
          crashed = !crashed;
        }
        case 1 -> {
          if (!crashed) {
            if (paused) {
              m.resume();
            } else {
              m.pause();
            }
            paused = !paused;
          }
        }
        default -> cluster.clientLinks().drop(m);
      }
    }
    if (paused) {
      m.resume();
    }
  }

  private void calls(Consumer<Integer> call, long deadline) {
    for (int n = 0; n < CALLS_PER_THREAD && System.nanoTime() < deadline; n++) {
      callCount.incrementAndGet();
      call.accept(n);
    }
  }

  /** Puts and gets through a raw stub, with a watch stream kept open beside them. */
  private void calls(ManagedChannel channel, String who, long deadline) {
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
    WatchGrpc.WatchStub watch = WatchGrpc.newStub(channel);
    AtomicReference<StreamObserver<WatchRequest>> stream = new AtomicReference<>();
    String prefix = who + "/";
    calls(n -> {
      if (stream.get() == null) {
        StreamObserver<WatchRequest> requests = watch.watch(new StreamObserver<>() {
          @Override
          public void onNext(WatchResponse response) {
          }

          @Override
          public void onError(Throwable e) {
            check(Status.fromThrowable(e), who + " watch");
            stream.set(null);
          }

          @Override
          public void onCompleted() {
            stream.set(null);
          }
        });
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8(prefix))).build());
        stream.set(requests);
      }
      try {
        kv.withDeadlineAfter(30, TimeUnit.SECONDS).put(put(prefix + n % 10, "v" + n));
        kv.withDeadlineAfter(30, TimeUnit.SECONDS).range(get(prefix + n % 10));
      } catch (StatusRuntimeException e) {
        check(e.getStatus(), who);
      }
    }, deadline);
    StreamObserver<WatchRequest> open = stream.get();
    if (open != null) {
      open.onCompleted();
    }
  }

  /** A Java exception's name, as in {@code NullPointerException: ...}; grpc's own texts may name
   * a handler class ({@code WriteBufferingAndExceptionHandler}), which is no exception. */
  private static final Pattern JAVA_EXCEPTION = Pattern.compile("\\w*Exception\\b");

  /**
   * A client may see etcd's own errors (code and {@code etcdserver:} text, or Go's context error)
   * and UNAVAILABLE from a lost or refused connection; never CANCELLED, INTERNAL or a Java
   * exception's text, nor the {@code server stopped} of an etcd shut down in order: a killed one
   * says nothing.
   */
  private void check(Status status, String who) {
    seen.computeIfAbsent(status.getCode() + " " + status.getDescription(),
        k -> new AtomicInteger()).incrementAndGet();
    String description = String.valueOf(status.getDescription());
    boolean etcds = description.startsWith("etcdserver: ")
        || description.equals("context deadline exceeded");
    boolean ok = switch (status.getCode()) {
      case UNAVAILABLE -> !JAVA_EXCEPTION.matcher(description).find()
          && !description.equals("etcdserver: server stopped");
      case UNKNOWN, DEADLINE_EXCEEDED, FAILED_PRECONDITION, RESOURCE_EXHAUSTED -> etcds;
      default -> false;
    };
    if (!ok) {
      wrongErrors.add(who + ": " + status + (status.getCause() == null ? ""
          : " caused by " + status.getCause()));
    }
  }

  /** Waits for every task, failing on a deadlock (checked every 100 ms) or past the hang guard. */
  private static void awaitWithoutDeadlock(List<Future<?>> work) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long guard = System.nanoTime() + HANG_GUARD.toNanos();
    for (Future<?> f : work) {
      while (true) {
        long[] deadlocked = mx.findDeadlockedThreads();
        boolean hung = System.nanoTime() > guard;
        if (deadlocked != null || hung) {
          // Printed at once: the cluster's teardown may hang after this.
          String dump = dump(mx, deadlocked != null ? deadlocked : mx.getAllThreadIds());
          System.err.println(dump);
          throw new AssertionError((hung ? "hang guard" : "deadlock") + "; threads:\n" + dump);
        }
        try {
          f.get(100, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException e) {
          // check again
        }
      }
    }
  }

  private static String dump(ThreadMXBean mx, long[] ids) {
    if (ids == null) {
      return "";
    }
    return Arrays.stream(mx.getThreadInfo(ids, true, true)).map(ThreadInfo::toString)
        .collect(Collectors.joining());
  }

  private static ManagedChannel tcp(URI endpoint) {
    return NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort()).usePlaintext()
        .build();
  }

  private static PutRequest put(String key, String value) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value)).build();
  }

  private static RangeRequest get(String key) {
    return RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
