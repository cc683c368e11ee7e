package dev.fakeetcd.internal.server;

import dev.fakeetcd.api.AlarmResponse;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.membership.MemberList;
import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What happens on one member as its state machine applies: events go to its watchers and key
 * feeds, the proposal waiting for an entry gets its outcome, a new leader fails reads and
 * completes MoveLeader calls, and the leases hear of the leader's commits.
 */
final class ApplyFanOut implements EtcdStateMachine.ApplyListener {

  private final MemberServer member;
  private final Cluster cluster;

  ApplyFanOut(MemberServer member, Cluster cluster) {
    this.member = member;
    this.cluster = cluster;
  }

  @Override
  public void applied(long index, long requestId, Object outcome, List<Event> events,
      boolean raiseNoSpace) {
    member.auth().applied(index);
    if (!events.isEmpty()) {
      member.watches().applied(events);
      member.feed().applied(events);
    }
    CompletableFuture<Object> waiter = member.proposals().applied(requestId);
    if (waiter == null && !raiseNoSpace) {
      return;
    }
    // In an event of its own: client callbacks and proposals never run inside Raft processing.
    cluster.clock().schedule(Duration.ZERO, () -> {
      if (!raiseNoSpace) {
        Proposals.answer(waiter, outcome);
        return;
      }
      // etcd's applyEntryNormal: every member that applied it raises the alarm for itself, and
      // the waiting client hears only once that is done.
      CompletableFuture<AlarmResponse> raised;
      try {
        raised = member.raiseNoSpace();
      } catch (EtcdException e) {
        raised = CompletableFuture.failedFuture(e);
      }
      raised.whenComplete((ignored, failure) -> Proposals.answer(waiter, outcome));
    });
  }

  @Override
  public void restored(long index) {
    member.auth().applied(index);
    member.watches().restored();
    member.feed().restored();
  }

  @Override
  public boolean admitConfChange(long index, ConfChange change, MemberList members) {
    return cluster.membership().admit(index, change, members);
  }

  @Override
  public void leaderChanged(long leaderId, long term) {
    member.proposals().leaderChanged(leaderId);
    member.maintenance().leaderChanged(leaderId);
    member.reads().leaderChanged();
  }

  @Override
  public void leaderCommitted(long index, long term) {
    member.auth().applied(index);
    member.leases().leaderCommitted(term);
  }
}
