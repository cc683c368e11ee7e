package dev.fakeetcd.internal.server;

import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmResponse;
import dev.fakeetcd.api.DefragmentResponse;
import dev.fakeetcd.api.DowngradeInfo;
import dev.fakeetcd.api.DowngradeRequest;
import dev.fakeetcd.api.DowngradeResponse;
import dev.fakeetcd.api.HashKVRequest;
import dev.fakeetcd.api.HashKVResponse;
import dev.fakeetcd.api.HashResponse;
import dev.fakeetcd.api.MoveLeaderResponse;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.StatusResponse;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.apply.RaftRequest;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.backend.SnapshotFormat;
import dev.fakeetcd.internal.membership.Downgrade;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.raft.RaftStatus;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.sim.SimMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One member's Maintenance operations: Status, Defragment, Alarm, Hash, HashKV, MoveLeader,
 * Downgrade and Snapshot, as etcd's {@code server/etcdserver/api/v3rpc/maintenance.go} and the
 * server methods behind it answer them. Called only under the cluster lock.
 */
public final class Maintenance {

  /** A MoveLeader call waiting for this member to see {@code target} lead. */
  private record LeaderWait(long target, CompletableFuture<MoveLeaderResponse> future) {
  }

  private final MemberServer member;
  private final Cluster cluster;
  /** In arrival order; each leaves the list when its future completes, however that happens. */
  private final List<LeaderWait> leaderWaits = new ArrayList<>();

  Maintenance(MemberServer member, Cluster cluster) {
    this.member = member;
    this.cluster = cluster;
  }

  public StatusResponse status() {
    SimMember<EtcdStateMachine> m = member.requireUp();
    RaftStatus raft = m.status();
    StatusResponse.Builder status = StatusResponse.newBuilder()
        .setHeader(member.header(ResponseHeader.getDefaultInstance()))
        .setVersion(Downgrade.VERSION)
        .setDbSize(member.backend().size())
        .setDbSizeInUse(m.stateMachine().bytesInUse())
        .setLeader(raft.leaderId())
        .setRaftIndex(raft.commit())
        .setRaftTerm(raft.term())
        .setRaftAppliedIndex(m.appliedIndex())
        .setIsLearner(member.isLearner());
    if (raft.leaderId() == 0) {
      status.addErrors(EtcdError.NO_LEADER.message());
    }
    status.addAllErrors(m.stateMachine().alarms().statusErrors());
    return status.build();
  }

  /**
   * etcd's {@code Defrag}: this member alone (not through Raft) rewrites its file with only what is
   * in use. The response has no header: etcd's {@code maintenanceServer.Defragment}
   * ({@code etcdserver/api/v3rpc/maintenance.go}) returns an empty one.
   */
  public DefragmentResponse defragment() {
    member.backend().defragment(member.requireUp().stateMachine().bytesInUse());
    return DefragmentResponse.getDefaultInstance();
  }

  /**
   * Through Raft like any write; the response has no header, as etcd 3.4 answers it
   * ({@code etcdserver/api/v3rpc/maintenance.go}).
   */
  public CompletableFuture<AlarmResponse> alarm(AlarmRequest request, Credentials caller) {
    return member.propose(RaftRequest.Kind.ALARM, request, caller)
        .thenApply(r -> (AlarmResponse) r);
  }

  /** From this member's applied store, as etcd's HashKV reads its own backend. */
  public HashKVResponse hashKv(HashKVRequest request) {
    MvccStore.KvHash h = member.local(sm -> sm.store().hashKv(request.getRevision()));
    return HashKVResponse.newBuilder()
        .setHeader(member.header(ResponseHeader.newBuilder().setRevision(h.revision()).build()))
        .setHash(h.hash())
        .setCompactRevision(h.compactRevision())
        .build();
  }

  /**
   * A CRC-32C of this member's whole applied state (keys, leases, alarms). etcd hashes its bolt
   * file; the fake has none, so only equality between members is meaningful, not the value.
   */
  public HashResponse hash() {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(member.requireUp().stateMachine().data());
    return HashResponse.newBuilder().setHeader(member.header(ResponseHeader.getDefaultInstance()))
        .setHash((int) crc.getValue()).build();
  }

  /**
   * etcd 3.4's MoveLeader: only the leader takes it, and the target must be a voting member. Raft
   * is asked to hand over, and the call completes (with an empty response) once this member sees
   * the target lead. etcd sets no bound of its own on that wait; the caller ends it when its client
   * gives up.
   */
  public CompletableFuture<MoveLeaderResponse> moveLeader(long target) {
    SimMember<EtcdStateMachine> m = member.requireUp();
    long id = member.id();
    if (m.leaderId() != id) {
      throw EtcdError.NOT_LEADER.toException();
    }
    if (!cluster.membership().isVoter(id, target)) {
      throw EtcdError.BAD_LEADER_TRANSFEREE.toException();
    }
    LeaderWait wait = new LeaderWait(target, new CompletableFuture<>());
    leaderWaits.add(wait);
    wait.future().whenComplete((r, f) -> leaderWaits.remove(wait));
    // Moving to itself is a no-op in Raft that still aborts a transfer under way, as in etcd.
    m.transferLeadership(target);
    if (m.isUp() && m.leaderId() == target) {
      wait.future().complete(MoveLeaderResponse.getDefaultInstance());
    }
    return wait.future();
  }

  /**
   * etcd 3.5's Downgrade, for a cluster whose members all run the fake's version: VALIDATE checks
   * the target after a linearizable read; ENABLE validates, then records the job through Raft;
   * CANCEL ends a recorded job through Raft. No member ever runs the target version, so an enabled
   * job stays until cancelled.
   */
  public CompletableFuture<DowngradeResponse> downgrade(DowngradeRequest request) {
    return switch (request.getAction()) {
      case VALIDATE -> validateDowngrade(Downgrade.target(request.getVersion()));
      case ENABLE -> {
        Downgrade.Version target = Downgrade.target(request.getVersion());
        yield validateDowngrade(target).thenCompose(valid -> setDowngrade(
            DowngradeInfo.newBuilder().setEnabled(true).setTargetVersion(target.toString())
                .build()));
      }
      case CANCEL -> member.reads().<DowngradeInfo>linearizable(EtcdStateMachine::downgrade)
          .thenCompose(job -> {
            if (!job.getEnabled()) {
              throw EtcdError.NO_INFLIGHT_DOWNGRADE.toException();
            }
            return setDowngrade(DowngradeInfo.getDefaultInstance());
          });
      case UNRECOGNIZED -> throw EtcdError.UNKNOWN_METHOD.toException();
    };
  }

  /** etcd's {@code downgradeValidate} after the format check: on linearizable state. */
  private CompletableFuture<DowngradeResponse> validateDowngrade(Downgrade.Version target) {
    return member.reads().<DowngradeInfo>linearizable(EtcdStateMachine::downgrade)
        .thenApply(job -> {
          Downgrade.requireAllowed(target);
          if (job.getEnabled()) {
            throw EtcdError.DOWNGRADE_IN_PROCESS.toException();
          }
          return downgradeResponse();
        });
  }

  private CompletableFuture<DowngradeResponse> setDowngrade(DowngradeInfo job) {
    return member.proposals().propose(RaftRequest.Kind.DOWNGRADE_INFO_SET, job)
        .thenApply(applied -> downgradeResponse());
  }

  /** etcd 3.5 fills Downgrade's header in full. */
  private DowngradeResponse downgradeResponse() {
    return DowngradeResponse.newBuilder()
        .setHeader(member.header(ResponseHeader.getDefaultInstance()))
        .setVersion(Downgrade.CLUSTER.toString()).build();
  }

  /**
   * A member's snapshot data (see {@link SnapshotFormat}): its whole applied state now, as etcd's
   * Snapshot reads its backend at the call's start, leader or not.
   */
  public byte[] snapshot() {
    return SnapshotFormat.encode(member.requireUp().stateMachine().data());
  }

  /** MoveLeader calls waiting for {@code leaderId} complete. */
  void leaderChanged(long leaderId) {
    for (LeaderWait wait : List.copyOf(leaderWaits)) {
      if (wait.target() == leaderId) {
        // Outside Raft processing: completing answers the client.
        cluster.clock().schedule(Duration.ZERO,
            () -> wait.future().complete(MoveLeaderResponse.getDefaultInstance()));
      }
    }
  }

  /** The member stopped: waiting MoveLeader calls fail as their connection would. */
  void stopped() {
    for (LeaderWait wait : List.copyOf(leaderWaits)) {
      wait.future().completeExceptionally(EtcdError.STOPPED.toException());
    }
  }
}
