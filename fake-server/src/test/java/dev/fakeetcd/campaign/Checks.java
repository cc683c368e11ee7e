package dev.fakeetcd.campaign;

import static dev.fakeetcd.testing.Requests.FROM_KEY;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.History;
import dev.fakeetcd.Member;
import dev.fakeetcd.MemberStatus;
import dev.fakeetcd.api.HashKVRequest;
import dev.fakeetcd.api.HashKVResponse;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a healed, settled cluster must satisfy: every member holds the same contents with the same
 * HashKV at the same revision, and the recorded history passes every check. Each returns its
 * violations, described; none is a pass. (Raft's safety invariants are checked as the run goes,
 * and throw.)
 */
final class Checks {

  private static final Duration SETTLE_STEP = Duration.ofMillis(100);
  private static final int SETTLE_STEPS = 300;
  private static final long CHECK_CEILING_SECONDS = 30;

  private Checks() {
  }

  /**
   * Moves virtual time until every member runs at one applied index and revision (at most 30 s),
   * then compares each member's contents, read serializably from it, and its HashKV there.
   */
  static List<String> convergence(EtcdCluster cluster) {
    for (int i = 0; i < SETTLE_STEPS && !sameIndexAndRevision(cluster.status()); i++) {
      cluster.clock().advance(SETTLE_STEP);
    }
    List<MemberStatus> status = cluster.status();
    if (!sameIndexAndRevision(status)) {
      return List.of("members did not converge within " + SETTLE_STEP.multipliedBy(SETTLE_STEPS)
          + " of healing: " + status);
    }
    long revision = status.get(0).revision();
    List<String> violations = new ArrayList<>();
    List<KeyValue> firstContents = null;
    HashKVResponse firstHash = null;
    for (Member m : cluster.members()) {
      ManagedChannel channel = cluster.inProcessChannel(m);
      try {
        List<KeyValue> contents = KVGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS).range(RangeRequest.newBuilder()
                .setKey(FROM_KEY).setRangeEnd(FROM_KEY).setSerializable(true).build())
            .getKvsList();
        HashKVResponse hash = MaintenanceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .hashKV(HashKVRequest.getDefaultInstance()); // the current revision, compacted or not
        if (firstContents == null) {
          firstContents = contents;
          firstHash = hash;
        } else if (!contents.equals(firstContents)) {
          violations.add(m + " holds " + contents + " but " + cluster.member(0) + " holds "
              + firstContents);
        } else if (hash.getHash() != firstHash.getHash()
            || hash.getCompactRevision() != firstHash.getCompactRevision()
            || hash.getHeader().getRevision() != revision) {
          violations.add(m + " HashKV is " + hash.getHash() + " at revision "
              + hash.getHeader().getRevision() + " (compacted at " + hash.getCompactRevision()
              + "), " + cluster.member(0) + "'s " + firstHash.getHash() + " at " + revision
              + " (compacted at " + firstHash.getCompactRevision() + ")");
        }
      } catch (StatusRuntimeException e) {
        violations.add(m + " cannot be read after healing: " + e.getStatus());
      } finally {
        channel.shutdownNow();
      }
    }
    return violations;
  }

  /**
   * The recorded history's checks: linearizability, watch guarantees, serializable reads. They run
   * on a daemon thread of their own, for at most {@link #CHECK_CEILING_SECONDS} of wall time: a
   * search that has not ended by then is reported as such (and left to run, as it cannot be
   * stopped), so that one history the checker cannot judge does not hang the campaign.
   */
  static List<String> history(History history) {
    CompletableFuture<List<String>> checked = new CompletableFuture<>();
    Thread checker = new Thread(() -> {
      try {
        List<String> violations = new ArrayList<>();
        history.linearizabilityViolation().ifPresent(v -> violations.add("linearizability: " + v));
        history.watchGuaranteeViolation().ifPresent(v -> violations.add("watch guarantees: " + v));
        history.serializableReadViolation()
            .ifPresent(v -> violations.add("serializable reads: " + v));
        checked.complete(violations);
      } catch (RuntimeException | Error e) {
        checked.completeExceptionally(e);
      }
    }, Thread.currentThread().getName() + " history checks");
    checker.setDaemon(true);
    checker.start();
    try {
      return checked.get(CHECK_CEILING_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return List.of("the history checks did not finish within " + CHECK_CEILING_SECONDS
          + " s (wall) on " + history + ": the linearizability search ran away");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      return List.of("the history checks threw " + e.getCause());
    }
  }

  private static boolean sameIndexAndRevision(List<MemberStatus> status) {
    return status.stream().allMatch(MemberStatus::isUp) && status.stream()
        .map(s -> List.of(s.appliedIndex(), s.revision())).distinct().count() == 1;
  }
}
