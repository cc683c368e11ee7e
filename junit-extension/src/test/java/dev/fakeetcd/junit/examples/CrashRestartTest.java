package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.examples.WatchReconnectTest.bytes;
import static dev.fakeetcd.junit.examples.WatchReconnectTest.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import dev.fakeetcd.VirtualClock;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.Status;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A member's process is killed and started again ({@code crash()}, {@code restart()}): its
 * clients see what a SIGKILLed etcd gives them, UNAVAILABLE, so jetcd resumes its watch and
 * retries a put marked safe to retry, once the member serves again on the same port. The clock is
 * MANUAL, so that a call can be held in flight at the crash.
 */
class CrashRestartTest {

  @Nested
  @EtcdTest(members = 1, seed = 41, clock = VirtualClock.Mode.MANUAL)
  class OneMember extends Scenarios {
  }

  @Nested
  @EtcdTest(members = 3, seed = 42, clock = VirtualClock.Mode.MANUAL)
  class ThreeMembers extends Scenarios {
  }

  abstract static class Scenarios {

    @Test
    void watch_onCrashedMember_resumesAfterRestartWithoutGapOrDuplicate(EtcdCluster cluster)
        throws Exception {
      Member member = crashable(cluster);
      LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      try (Client watching = clientOn(List.of(member));
          Client writer = clientOn(others(cluster, member))) {
        long first = writer.getKVClient().put(bytes("config/a"), bytes("1")).get()
            .getHeader().getRevision();
        WatchOption prefix = WatchOption.builder().isPrefix(true).withRevision(first).build();
        try (Watch.Watcher watcher = watching.getWatchClient().watch(bytes("config/"), prefix,
            Watch.listener(r -> events.addAll(r.getEvents()), errors::add))) {
          List<String> seen = new ArrayList<>(take(events, 1));

          member.crash();
          List<String> expected = new ArrayList<>(List.of("config/a=1"));
          if (cluster.members().size() > 1) { // the others go on without it
            writer.getKVClient().put(bytes("config/b"), bytes("2")).get();
            expected.add("config/b=2");
          }
          member.restart();
          caughtUp(cluster);
          try (Client after = clientOn(cluster.members())) {
            after.getKVClient().put(bytes("config/c"), bytes("3")).get();
            after.getKVClient().put(bytes("config/d"), bytes("4")).get(); // after any duplicate
          }
          seen.addAll(take(events, expected.size() + 1));
          expected.addAll(List.of("config/c=3", "config/d=4"));

          assertThat(seen).containsExactlyElementsOf(expected);
          assertThat(errors).as("what jetcd's watch saw of the crash").isNotEmpty()
              .allSatisfy(e -> assertThat(((EtcdException) e).getErrorCode())
                  .isEqualTo(ErrorCode.UNAVAILABLE));
        }
      }
    }

    @Test
    void put_inFlightAtCrash_completesAfterRestartWhenSafeToRetry(EtcdCluster cluster)
        throws Exception {
      Member member = crashable(cluster);
      try (Client client = clientOn(List.of(member))) {
        KV kv = client.getKVClient();
        long before = member.status().revision();
        // The member applies the puts, but its answers are still on their way when it dies.
        cluster.clientLinks().delayResponses(member, Duration.ofHours(1));
        CompletableFuture<PutResponse> retried = kv.put(bytes("k"), bytes("retried"),
            PutOption.builder().withAutoRetry().build());
        CompletableFuture<PutResponse> plain = kv.put(bytes("j"), bytes("plain"));
        awaitRevision(member, before + 2);

        member.crash();
        cluster.clientLinks().clear(member);
        // jetcd does not retry a plain put (not idempotent) on UNAVAILABLE, as against real etcd.
        ExecutionException failed = catchThrowableOfType(ExecutionException.class,
            () -> plain.get(30, TimeUnit.SECONDS));
        assertThat(Status.fromThrowable(failed.getCause())).satisfies(s -> {
          assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(s.getDescription()).isEqualTo("Network closed for unknown reason");
        });
        member.restart();
        caughtUp(cluster);

        assertThat(retried.get(30, TimeUnit.SECONDS).getHeader().getRevision())
            .isGreaterThan(before + 2);
        assertThat(kv.get(bytes("k")).get(30, TimeUnit.SECONDS).getKvs().get(0).getValue())
            .isEqualTo(bytes("retried"));
      }
    }
  }

  /** A member whose crash leaves the others a quorum: the only one, or a follower. */
  static Member crashable(EtcdCluster cluster) {
    return cluster.members().stream().filter(m -> !m.isLeader()).findFirst()
        .orElse(cluster.member(0));
  }

  static List<Member> others(EtcdCluster cluster, Member member) {
    List<Member> others = cluster.members().stream().filter(m -> m != member).toList();
    return others.isEmpty() ? List.of(member) : others;
  }

  /** After a restart, on the MANUAL clock: a leader exists and every member has heard from it. */
  static void caughtUp(EtcdCluster cluster) {
    cluster.awaitLeader();
    cluster.clock().advance(Duration.ofSeconds(1));
  }

  static void awaitRevision(Member member, long revision) throws InterruptedException {
    for (int i = 0; i < 1_000 && member.status().revision() < revision; i++) {
      Thread.sleep(10); // polling, bounded: the puts travel through jetcd's threads
    }
    assertThat(member.status().revision()).as("revision on %s", member).isEqualTo(revision);
  }

  static Client clientOn(List<Member> members) {
    return Client.builder().endpoints(members.stream().map(m -> m.endpoint().orElseThrow())
        .toArray(URI[]::new)).build();
  }
}
