package dev.fakeetcd.internal.server;

import com.google.protobuf.MessageLite;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.apply.RaftRequest;
import dev.fakeetcd.internal.auth.AuthInfo;
import dev.fakeetcd.internal.raft.ProposalDroppedException;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.SimMember;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * One member's proposals: each write gets a request id, goes to Raft, and waits for this member's
 * own apply outcome or etcd's request timeout, which names its cause as etcd's
 * {@code parseProposeCtxErr} does ({@code server/etcdserver/v3_server.go}).
 */
final class Proposals {

  private record Waiter(CompletableFuture<Object> future, SimClock.Timer timer) {
  }

  private final MemberServer member;
  private final Cluster cluster;
  private final TreeMap<Long, Waiter> waiters = new TreeMap<>();
  private long nextRequest = 1;
  /** etcd's leader-changes-seen and failed-proposals counters. */
  private long leaderChanges;
  private long failed;
  /** When this member last became leader (etcd's {@code leadElectedTime}). */
  private long leaderElectedNanos = Long.MIN_VALUE / 2;

  Proposals(MemberServer member, Cluster cluster) {
    this.member = member;
    this.cluster = cluster;
  }

  /**
   * Proposes a write and completes with this member's own apply outcome, or etcd's timeout. While
   * the member knows no leader the proposal waits in Raft's input, as etcd's raft node blocks it.
   */
  CompletableFuture<Object> propose(RaftRequest.Kind kind, MessageLite request) {
    return propose(kind, request, AuthInfo.NONE);
  }

  /** As {@link #propose(RaftRequest.Kind, MessageLite)}, running as {@code who} at apply. */
  CompletableFuture<Object> propose(RaftRequest.Kind kind, MessageLite request, AuthInfo who) {
    SimMember<EtcdStateMachine> m = member.requireUp();
    long id = member.id();
    long requestId = ((id & 0xFFFF) << 48) | (nextRequest++ & 0xFFFF_FFFF_FFFFL);
    byte[] data = RaftRequest.encode(requestId, who, kind, request);
    if (data.length > cluster.maxRequestBytes()) {
      throw EtcdError.REQUEST_TOO_LARGE.toException();
    }
    SimClock clock = cluster.clock();
    long start = clock.nanos();
    CompletableFuture<Object> future = new CompletableFuture<>();
    // Set once submitted; the waiter must exist first, as a single member applies at once.
    var handed = new Object() {
      CompletableFuture<Void> future;
    };
    SimClock.Timer timer = clock.schedule(cluster.requestTimeout(), () -> {
      if (waiters.remove(requestId) != null) {
        // Still waiting for a leader: Raft never took it; Go's context error reaches the client.
        EtcdError error = handed.future.cancel(false) ? EtcdError.CONTEXT_DEADLINE_EXCEEDED
            : proposalTimeout(start);
        failed++;
        future.completeExceptionally(error.toException());
      }
    });
    waiters.put(requestId, new Waiter(future, timer));
    handed.future = m.propose(data);
    handed.future.whenComplete((ignored, failure) -> {
      if (failure instanceof ProposalDroppedException && waiters.remove(requestId) != null) {
        timer.cancel();
        failed++;
        future.completeExceptionally(EtcdError.PROPOSAL_DROPPED.toException());
      }
    });
    return future;
  }

  /**
   * Request {@code requestId} was applied on this member: its waiter, if it proposed it, stops
   * waiting for the timeout; returns what to {@link #answer}, or null.
   */
  CompletableFuture<Object> applied(long requestId) {
    Waiter waiter = waiters.remove(requestId);
    if (waiter == null) {
      return null;
    }
    waiter.timer().cancel();
    return waiter.future();
  }

  /** Completes a waiter from {@link #applied} with the apply outcome; nothing for null. */
  static void answer(CompletableFuture<Object> waiter, Object outcome) {
    if (waiter == null) {
      return;
    }
    if (outcome instanceof EtcdException e) {
      waiter.completeExceptionally(e);
    } else {
      waiter.complete(outcome);
    }
  }

  /** Proposals of this member still waiting for their apply. */
  int pending() {
    return waiters.size();
  }

  /** How many proposals failed: timed out or dropped (etcd counts the same). */
  long failed() {
    return failed;
  }

  /** How many times this member saw a new leader. */
  long leaderChanges() {
    return leaderChanges;
  }

  void leaderChanged(long leaderId) {
    leaderChanges++;
    if (leaderId == member.id()) {
      leaderElectedNanos = cluster.clock().nanos();
    }
  }

  /**
   * etcd's {@code parseProposeCtxErr}: a request started in the 2 election timeouts before this
   * member itself became leader blames the old leader's failure; one whose leader (or, on the
   * leader, a quorum) has not been connected to this member since before it started blames the
   * connection; otherwise the plain timeout.
   */
  private EtcdError proposalTimeout(long startNanos) {
    long leaderLost = leaderElectedNanos - 2 * cluster.election().toNanos();
    if (startNanos > leaderLost && startNanos < leaderElectedNanos) {
      return EtcdError.TIMEOUT_DUE_TO_LEADER_FAIL;
    }
    long id = member.id();
    SimMember<EtcdStateMachine> m = member.member();
    long lead = m.isUp() ? m.leaderId() : 0;
    if (lead == id && !connectedToQuorumSince(m, startNanos)) {
      return EtcdError.TIMEOUT_DUE_TO_CONNECTION_LOST;
    }
    if (lead != 0 && lead != id && !member.connectedSince(lead, startNanos)) {
      return EtcdError.TIMEOUT_DUE_TO_CONNECTION_LOST;
    }
    return EtcdError.TIMEOUT;
  }

  private boolean connectedToQuorumSince(SimMember<EtcdStateMachine> m, long startNanos) {
    ConfState conf = m.status().confState();
    TreeSet<Long> members = new TreeSet<>(conf.voters());
    members.addAll(conf.learners());
    int connected = 1;
    for (long other : members) {
      if (other != member.id() && member.connectedSince(other, startNanos)) {
        connected++;
      }
    }
    return connected >= members.size() / 2 + 1;
  }

  /** The member stopped: every waiting request fails as its connection would. */
  void stopped() {
    for (Waiter w : waiters.values()) {
      w.timer().cancel();
      w.future().completeExceptionally(EtcdError.STOPPED.toException());
    }
    waiters.clear();
  }
}
