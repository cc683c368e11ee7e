package dev.fakeetcd.internal.server;

import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.sim.SimClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One member's linearizable reads through ReadIndex, batched as etcd 3.4's read loop
 * ({@code linearizableReadLoop} in {@code etcdserver/v3_server.go}): reads that arrive while a
 * round is waiting for its read index join the next round. A round asks Raft again every 500 ms
 * and fails with {@code leader changed} when this member learns a new leader, or with
 * {@code request timed out} after the request timeout; once the index is known it waits for apply
 * alone.
 */
final class ReadLoop {

  /** etcd 3.4's {@code readIndexRetryTime}. */
  private static final Duration READ_INDEX_RETRY = Duration.ofMillis(500);

  private record ReadWaiter(Function<EtcdStateMachine, ?> query, CompletableFuture<Object> future) {
  }

  private final MemberServer member;
  private final Cluster cluster;
  /** Reads waiting for the next round of the read loop, in arrival order. */
  private final List<ReadWaiter> nextReads = new ArrayList<>();
  private ReadRound readRound;

  ReadLoop(MemberServer member, Cluster cluster) {
    this.member = member;
    this.cluster = cluster;
  }

  /** Runs {@code query} on this member's applied store once it has caught up with the leader. */
  <T> CompletableFuture<T> linearizable(Function<EtcdStateMachine, T> query) {
    member.requireUp();
    CompletableFuture<Object> result = new CompletableFuture<>();
    nextReads.add(new ReadWaiter(query, result));
    if (readRound == null) {
      startReadRound();
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<T> typed = (CompletableFuture<T>) (CompletableFuture<?>) result;
    return typed;
  }

  /** One round of the read loop: its readers, the Raft read and the timers waiting on its index. */
  private final class ReadRound {
    final List<ReadWaiter> readers;
    final CompletableFuture<List<Object>> read;
    final SimClock.Timer timeout;
    SimClock.Timer retry;
    boolean indexKnown;

    ReadRound(List<ReadWaiter> readers) {
      this.readers = readers;
      this.timeout = cluster.clock().schedule(cluster.requestTimeout(),
          () -> endRound(this, EtcdError.TIMEOUT));
      this.retry = cluster.clock().schedule(READ_INDEX_RETRY, this::resend);
      this.read = member.member().read(this::answer, index -> {
        indexKnown = true;
        timeout.cancel();
        retry.cancel();
      });
      read.whenComplete((outcomes, failure) -> {
        if (readRound != this) {
          return;
        }
        if (failure != null) {
          endRound(this, EtcdError.STOPPED);
          return;
        }
        for (int i = 0; i < readers.size(); i++) {
          Object outcome = outcomes.get(i);
          if (outcome instanceof EtcdException e) {
            readers.get(i).future().completeExceptionally(e);
          } else {
            readers.get(i).future().complete(outcome);
          }
        }
        readRound = null;
        startReadRound();
      });
    }

    private List<Object> answer(EtcdStateMachine sm) {
      List<Object> outcomes = new ArrayList<>();
      for (ReadWaiter r : readers) {
        try {
          outcomes.add(r.query().apply(sm));
        } catch (EtcdException e) {
          outcomes.add(e);
        }
      }
      return outcomes;
    }

    private void resend() {
      member.member().resendReads();
      retry = cluster.clock().schedule(READ_INDEX_RETRY, this::resend);
    }
  }

  private void startReadRound() {
    if (nextReads.isEmpty() || !member.member().isUp()) {
      return;
    }
    List<ReadWaiter> readers = List.copyOf(nextReads);
    nextReads.clear();
    readRound = new ReadRound(readers);
  }

  /** Fails the round's readers with {@code error} and lets the loop go on. */
  private void endRound(ReadRound round, EtcdError error) {
    if (readRound != round) {
      return;
    }
    readRound = null;
    round.timeout.cancel();
    round.retry.cancel();
    round.read.cancel(false);
    for (ReadWaiter r : round.readers) {
      r.future().completeExceptionally(error.toException());
    }
    startReadRound();
  }

  /** A round still waiting for its read index fails: its index may come from the old leader. */
  void leaderChanged() {
    ReadRound round = readRound;
    if (round != null && !round.indexKnown) {
      // Outside Raft processing: failing the round completes client calls.
      cluster.clock().schedule(Duration.ZERO, () -> endRound(round, EtcdError.LEADER_CHANGED));
    }
  }

  /** The member stopped: every waiting read fails as its connection would. */
  void stopped() {
    if (readRound != null) {
      endRound(readRound, EtcdError.STOPPED);
    }
    for (ReadWaiter r : nextReads) {
      r.future().completeExceptionally(EtcdError.STOPPED.toException());
    }
    nextReads.clear();
  }
}
