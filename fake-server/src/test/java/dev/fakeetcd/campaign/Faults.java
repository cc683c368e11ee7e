package dev.fakeetcd.campaign;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.EtcdFailure;
import dev.fakeetcd.Member;
import dev.fakeetcd.MemberStatus;
import dev.fakeetcd.Network;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The faults of a campaign run, every kind the front door offers, drawn from the caller's
 * {@link Random} and counted in the tally (group "fault"): the simulated network, member
 * processes, client links, the clock, compaction, leadership and leases. A fault the cluster
 * refuses in its state (no leader to compact through, say) counts as "KIND refused"; a Raft
 * safety violation is never taken for a refusal.
 */
final class Faults {

  enum Kind {
    PARTITION, ISOLATE, CUT, HOLD, LATENCY, LOSS, DUPLICATE, HEAL_NETWORK, CRASH, RESTART, PAUSE,
    RESUME, LINK_DROP, LINK_FAIL_NEXT, LINK_DELAY, LINK_CLEAR, CLOCK_JUMP, COMPACT,
    TRANSFER_LEADERSHIP, LEASE_EXPIRE
  }

  private static final List<String> METHODS = List.of("etcdserverpb.KV/Put",
      "etcdserverpb.KV/Range", "etcdserverpb.KV/Txn", "etcdserverpb.KV/DeleteRange",
      "etcdserverpb.Lease/LeaseGrant");

  private final EtcdCluster cluster;
  private final Workload workload;
  private final Tally tally;
  /**
   * Whether real client threads run: only they get delayed responses (a delayed answer leaves on
   * the cluster's sender thread, which a run that must replay cannot wait for), and only they are
   * spared pauses (a paused member holds each call to it until it resumes, so clients would only
   * wait out their deadlines and leave calls behind them).
   */
  private final boolean realThreads;
  /** Members paused and not resumed, by index. */
  private final Set<Integer> paused = new TreeSet<>();

  Faults(EtcdCluster cluster, Workload workload, Tally tally, boolean realThreads) {
    this.cluster = cluster;
    this.workload = workload;
    this.tally = tally;
    this.realThreads = realThreads;
  }

  /** Injects one fault, drawn among those that make sense in the cluster's state now. */
  void inject(Random random) {
    List<Member> up = new ArrayList<>();
    List<Member> down = new ArrayList<>();
    for (Member m : cluster.members()) {
      (m.isUp() ? up : down).add(m);
    }
    List<Member> running = up.stream().filter(m -> !paused.contains(m.index())).toList();
    List<Kind> possible = new ArrayList<>(List.of(Kind.values()));
    if (cluster.members().size() == 1) {
      possible.removeAll(List.of(Kind.PARTITION, Kind.ISOLATE, Kind.CUT, Kind.HOLD,
          Kind.TRANSFER_LEADERSHIP));
    }
    if (running.isEmpty()) {
      possible.removeAll(List.of(Kind.CRASH, Kind.PAUSE));
    }
    if (down.isEmpty()) {
      possible.remove(Kind.RESTART);
    }
    if (paused.isEmpty()) {
      possible.remove(Kind.RESUME);
    }
    possible.remove(realThreads ? Kind.PAUSE : Kind.LINK_DELAY);
    if (workload.leaseIds().isEmpty()) {
      possible.remove(Kind.LEASE_EXPIRE);
    }
    Kind kind = possible.get(random.nextInt(possible.size()));
    try {
      apply(kind, random, running, down);
      tally.add("fault", kind.name());
    } catch (RuntimeException e) {
      if (String.valueOf(e.getMessage()).contains("Raft safety violation")) {
        throw e;
      }
      tally.add("fault", kind + " refused");
    }
  }

  private void apply(Kind kind, Random random, List<Member> running, List<Member> down) {
    Network net = cluster.network();
    Member any = pick(cluster.members(), random);
    Member other = pick(cluster.members(), random);
    switch (kind) {
      case PARTITION -> {
        List<Member> group = cluster.members().stream().filter(m -> random.nextBoolean()).toList();
        net.partition(group);
      }
      case ISOLATE -> net.isolate(any);
      case CUT -> net.cut(any, other);
      case HOLD -> net.hold(any, other);
      case LATENCY -> net.latency(Duration.ofMillis(1 + random.nextInt(50)),
          Duration.ofMillis(random.nextInt(30)));
      case LOSS -> net.lossRate(0.05 + random.nextDouble() / 4);
      case DUPLICATE -> net.duplicationRate(0.05 + random.nextDouble() / 4);
      case HEAL_NETWORK -> net.heal();
      case CRASH -> pick(running, random).crash();
      case RESTART -> pick(down, random).restart();
      case PAUSE -> {
        Member m = pick(running, random);
        m.pause();
        paused.add(m.index());
      }
      case RESUME -> {
        int index = List.copyOf(paused).get(random.nextInt(paused.size()));
        paused.remove(index);
        cluster.member(index).resume();
      }
      case LINK_DROP -> cluster.clientLinks().drop(any);
      case LINK_FAIL_NEXT -> cluster.clientLinks().failNext(any,
          METHODS.get(random.nextInt(METHODS.size())), 1 + random.nextInt(3),
          EtcdFailure.values()[random.nextInt(EtcdFailure.values().length)]);
      case LINK_DELAY -> cluster.clientLinks().delayResponses(any,
          Duration.ofMillis(10 + random.nextInt(300)));
      case LINK_CLEAR -> cluster.clientLinks().clear(any);
      case CLOCK_JUMP -> cluster.clock().advance(Duration.ofMillis(500 + random.nextInt(2500)));
      case COMPACT -> {
        long revision = cluster.status().stream().mapToLong(MemberStatus::revision).max().orElse(0);
        cluster.compact(1 + random.nextInt((int) Math.max(1, revision)));
      }
      case TRANSFER_LEADERSHIP -> cluster.transferLeadership(any);
      case LEASE_EXPIRE -> cluster.leases().expireNow(
          workload.leaseIds().get(random.nextInt(workload.leaseIds().size())));
    }
  }

  /** Ends every fault: the network heals, links clear, paused members resume, crashed restart. */
  void healAll() {
    cluster.network().heal();
    for (Member m : cluster.members()) {
      cluster.clientLinks().clear(m);
      if (paused.remove(m.index())) {
        m.resume();
      }
      if (!m.isUp()) {
        m.restart();
      }
    }
  }

  private static Member pick(List<Member> members, Random random) {
    return members.get(random.nextInt(members.size()));
  }
}
