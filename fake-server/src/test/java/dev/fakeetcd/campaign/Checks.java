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
import java.util.concurrent.TimeUnit;

/**
 * What a healed, settled cluster must satisfy: every member holds the same contents with the same
 * HashKV at the same revision, and the recorded history passes every check. Each returns its
 * violations, described; none is a pass. (Raft's safety invariants are checked as the run goes,
 * and throw.)
 */
final class Checks {

  private static final Duration SETTLE_STEP = Duration.ofMillis(100);
  private static final int SETTLE_STEPS = 300;

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
    List<String> violations = new ArrayList<>();
    List<MemberState> states = new ArrayList<>();
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
        states.add(new MemberState(m.toString(), contents, hash));
      } catch (StatusRuntimeException e) {
        violations.add(m + " cannot be read after healing: " + e.getStatus());
      } finally {
        channel.shutdownNow();
      }
    }
    violations.addAll(diverged(states));
    return violations;
  }

  /** What one member holds after healing: its contents and its HashKV answer. */
  record MemberState(String member, List<KeyValue> contents, HashKVResponse hash) {
  }

  /**
   * Where members differ from the first: contents, or HashKV's hash, compact revision or
   * revision.
   */
  static List<String> diverged(List<MemberState> states) {
    List<String> violations = new ArrayList<>();
    if (states.isEmpty()) {
      return violations;
    }
    MemberState first = states.get(0);
    for (MemberState s : states.subList(1, states.size())) {
      if (!s.contents().equals(first.contents())) {
        violations.add(s.member() + " holds " + s.contents() + " but " + first.member()
            + " holds " + first.contents());
      } else if (s.hash().getHash() != first.hash().getHash()
          || s.hash().getCompactRevision() != first.hash().getCompactRevision()
          || s.hash().getHeader().getRevision() != first.hash().getHeader().getRevision()) {
        violations.add(s.member() + " HashKV is " + describe(s.hash()) + ", " + first.member()
            + "'s " + describe(first.hash()));
      }
    }
    return violations;
  }

  private static String describe(HashKVResponse hash) {
    return hash.getHash() + " at revision " + hash.getHeader().getRevision() + " (compacted at "
        + hash.getCompactRevision() + ")";
  }

  /**
   * The recorded history's checks: linearizability (whose search is bounded in steps: one it
   * cannot decide is reported as such), watch guarantees, serializable reads.
   */
  static List<String> history(History history) {
    List<String> violations = new ArrayList<>();
    history.linearizabilityViolation().ifPresent(v -> violations.add("linearizability: " + v));
    history.watchGuaranteeViolation().ifPresent(v -> violations.add("watch guarantees: " + v));
    history.serializableReadViolation().ifPresent(v -> violations.add("serializable reads: " + v));
    return violations;
  }

  private static boolean sameIndexAndRevision(List<MemberStatus> status) {
    return status.stream().allMatch(MemberStatus::isUp) && status.stream()
        .map(s -> List.of(s.appliedIndex(), s.revision())).distinct().count() == 1;
  }
}
