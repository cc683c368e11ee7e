package dev.fakeetcd.internal.sim;

import static dev.fakeetcd.internal.sim.ReplicatedList.command;

import dev.fakeetcd.internal.raft.raftpb.ConfState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * One randomized run: a cluster under random faults, proposals, reads and membership changes, all
 * drawn from the seed, with the safety checker on; then everything is healed and the run must
 * converge. Proposals go to a random member, as clients' do, so followers forward them to the
 * leader. Any exception or {@link AssertionError} is a failure of this seed.
 */
final class RandomRun {

  static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(60);
  static final Duration PROPOSAL_TIMEOUT = Duration.ofSeconds(3);

  final long seed;
  final SimCluster<ReplicatedList> cluster;
  private final SplittableRandom faults;
  /** Every command some member applied: each is committed, so none may be lost. */
  private final Set<String> applied = new LinkedHashSet<>();
  private int nextCommand;

  RandomRun(long seed) {
    this.seed = seed;
    SimConfig config = SimConfig.builder()
        .members(Math.floorMod(seed, 3) == 0 ? 5 : 3)
        .snapshotEntries(3 + Math.floorMod(seed, 17))
        .preVote(Math.floorMod(seed, 5) != 4)
        .checkQuorum(Math.floorMod(seed, 7) != 6)
        .checkInvariants(true)
        .build();
    cluster = SimCluster.start(seed, config, id -> new ReplicatedList(applied::add));
    faults = cluster.random().split();
  }

  /** Runs {@code steps} random actions, each followed by a random advance of the clock. */
  RandomRun chaos(int steps) {
    for (int i = 0; i < steps; i++) {
      step(faults.nextInt(100));
      cluster.clock().advance(Duration.ofMillis(faults.nextInt(600)));
    }
    return this;
  }

  private void step(int r) {
    SimNetwork net = cluster.network();
    if (r < 30) {
      String c = "c" + nextCommand++;
      pick(up()).ifPresent(m -> m.propose(command(c)));
    } else if (r < 35) {
      pick(up()).ifPresent(m -> m.read(ReplicatedList::commands));
    } else if (r < 41) {
      Set<Long> group = new TreeSet<>();
      for (SimMember<?> m : cluster.members()) {
        if (faults.nextBoolean()) {
          group.add(m.id());
        }
      }
      net.partition(group);
    } else if (r < 44) {
      net.isolate(any().id());
    } else if (r < 46) {
      long from = any().id();
      long to = any().id();
      if (from != to) {
        net.cut(from, to);
      }
    } else if (r < 56) {
      net.heal();
    } else if (r < 59) {
      pick(up()).ifPresent(SimMember::crash);
    } else if (r < 67) {
      pick(filter(m -> !m.isUp() && !m.isRemoved())).ifPresent(SimMember::restart);
    } else if (r < 69) {
      pick(filter(m -> m.isUp() && !m.isPaused())).ifPresent(SimMember::pause);
    } else if (r < 74) {
      pick(filter(SimMember::isPaused)).ifPresent(SimMember::resume);
    } else if (r < 77) {
      net.lossRate(faults.nextDouble() * 0.3);
    } else if (r < 79) {
      net.duplicationRate(faults.nextDouble() * 0.2);
    } else if (r < 82) {
      net.latency(Duration.ofMillis(faults.nextInt(20)), Duration.ofMillis(faults.nextInt(50)));
    } else if (r < 87) {
      membershipChange();
    } else if (r < 89) {
      cluster.leader().ifPresent(l -> {
        List<Long> voters = new ArrayList<>(l.status().confState().voters());
        cluster.transferLeadership(voters.get(faults.nextInt(voters.size())));
      });
    }
  }

  private void membershipChange() {
    cluster.leader().ifPresent(leader -> {
      ConfState conf = leader.status().confState();
      int voters = conf.voters().size();
      switch (faults.nextInt(4)) {
        case 0 -> {
          if (voters + conf.learners().size() < 7) {
            cluster.addLearner();
          }
        }
        case 1 -> {
          if (!conf.learners().isEmpty()) {
            cluster.promote(pickId(conf.learners()));
          }
        }
        case 2 -> {
          if (voters > 3) {
            cluster.remove(pickId(conf.voters()));
          } else if (!conf.learners().isEmpty()) {
            cluster.remove(pickId(conf.learners()));
          }
        }
        default -> {
          if (voters < 5) {
            cluster.addVoter();
          }
        }
      }
    });
  }

  /**
   * Heals every fault and requires, within {@link #CONVERGENCE_BOUND} of virtual time, a leader
   * and every member of its configuration up and applying the same entries to the same state, with
   * every acknowledged proposal in it exactly once.
   */
  RandomRun healAndConverge() {
    cluster.network().heal();
    for (SimMember<ReplicatedList> m : cluster.members()) {
      if (m.isPaused()) {
        m.resume();
      } else if (!m.isUp() && !m.isRemoved()) {
        m.restart();
      }
    }
    SimClock clock = cluster.clock();
    long deadline = clock.nanos() + CONVERGENCE_BOUND.toNanos();
    String marker = null;
    CompletableFuture<Void> handed = null;
    long markerSent = 0;
    while (clock.nanos() < deadline) {
      // Like a client: retry when dropped, or after a timeout (the entry may have been truncated
      // from a deposed leader's log, or lost on its way there, which nothing reports).
      if (marker == null || handed.isCompletedExceptionally()
          || !applied.contains(marker)
              && clock.nanos() - markerSent >= PROPOSAL_TIMEOUT.toNanos()) {
        marker = "final" + nextCommand++;
        handed = pick(up()).orElseThrow().propose(command(marker));
        markerSent = clock.nanos();
      }
      if (converged(marker)) {
        checkAppliedCommands();
        return this;
      }
      clock.advance(Duration.ofMillis(100));
    }
    throw new AssertionError("liveness: no convergence within " + CONVERGENCE_BOUND
        + " of virtual time after healing (seed " + seed + "):" + cluster.describeMembers());
  }

  private boolean converged(String marker) {
    SimMember<ReplicatedList> leader = cluster.leader().orElse(null);
    if (leader == null) {
      return false;
    }
    ConfState conf = leader.status().confState();
    List<Long> ids = new ArrayList<>(conf.voters());
    ids.addAll(conf.learners());
    for (long id : ids) {
      SimMember<ReplicatedList> m = cluster.member(id);
      if (!m.isUp() || m.appliedIndex() != leader.appliedIndex()
          || !m.stateMachine().commands().contains(marker)
          || !m.stateMachine().commands().equals(leader.stateMachine().commands())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The converged log holds each command at most once (a forwarded proposal is never committed
   * twice) and every command any member applied, which a client would have been answered for.
   */
  private void checkAppliedCommands() {
    List<String> log = cluster.leader().orElseThrow().stateMachine().commands();
    Set<String> seen = new HashSet<>();
    for (String c : log) {
      if (!c.startsWith("conf ") && !seen.add(c)) {
        throw new AssertionError("command " + c + " applied twice (seed " + seed + ")");
      }
    }
    for (String c : applied) {
      if (!seen.contains(c)) {
        throw new AssertionError("applied command " + c + " was lost (seed " + seed + ")");
      }
    }
  }

  String digest() {
    return cluster.trace().digest();
  }

  private List<SimMember<ReplicatedList>> up() {
    return filter(SimMember::isUp);
  }

  private List<SimMember<ReplicatedList>> filter(
      Predicate<SimMember<ReplicatedList>> p) {
    return cluster.members().stream().filter(p).toList();
  }

  private SimMember<ReplicatedList> any() {
    List<SimMember<ReplicatedList>> all = cluster.members();
    return all.get(faults.nextInt(all.size()));
  }

  private Optional<SimMember<ReplicatedList>> pick(List<SimMember<ReplicatedList>> from) {
    return from.isEmpty() ? Optional.empty()
        : Optional.of(from.get(faults.nextInt(from.size())));
  }

  private long pickId(Set<Long> ids) {
    List<Long> list = new ArrayList<>(ids);
    return list.get(faults.nextInt(list.size()));
  }

  /** Prints the trace digest of one run; the determinism test compares it across JVMs. */
  public static void main(String[] args) {
    long seed = Long.parseLong(args[0]);
    int steps = Integer.parseInt(args[1]);
    System.out.println(new RandomRun(seed).chaos(steps).healAndConverge().digest());
  }
}
