package dev.fakeetcd.conformance.lock;

import static dev.fakeetcd.conformance.lock.LockConformanceTest.assertUnknown;
import static dev.fakeetcd.conformance.lock.LockConformanceTest.bytes;
import static dev.fakeetcd.conformance.lock.LockConformanceTest.get;
import static dev.fakeetcd.conformance.lock.LockConformanceTest.grant;
import static dev.fakeetcd.conformance.lock.LockConformanceTest.revision;
import static dev.fakeetcd.conformance.lock.LockConformanceTest.revoke;
import static dev.fakeetcd.testing.Observers.into;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.election.CampaignRequest;
import dev.fakeetcd.api.election.CampaignResponse;
import dev.fakeetcd.api.election.ElectionGrpc;
import dev.fakeetcd.api.election.LeaderKey;
import dev.fakeetcd.api.election.LeaderRequest;
import dev.fakeetcd.api.election.LeaderResponse;
import dev.fakeetcd.api.election.ProclaimRequest;
import dev.fakeetcd.api.election.ResignRequest;
import dev.fakeetcd.api.election.ResignResponse;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.testing.StreamCollector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Election service through raw stubs: campaign, proclaim, leader, observe and resign, and
 * errors that reach the client as code UNKNOWN with etcd's message (etcd 3.4:
 * {@code etcdserver/api/v3election/election.go}, {@code clientv3/concurrency/election.go}).
 */
class ElectionConformanceTest {

  private static final long DEADLINE_SECONDS = 30;

  static ElectionGrpc.ElectionBlockingStub election(EtcdTarget target) {
    return ElectionGrpc.newBlockingStub(target.channels().get(0))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static CampaignRequest campaign(String name, long lease, String value) {
    return CampaignRequest.newBuilder().setName(bytes(name)).setLease(lease)
        .setValue(bytes(value)).build();
  }

  static ProclaimRequest proclaim(LeaderKey leader, String value) {
    return ProclaimRequest.newBuilder().setLeader(leader).setValue(bytes(value)).build();
  }

  @ConformanceTest
  void campaign_free_leaderKeyNamesKeyRevAndLease(EtcdTarget target) {
    long lease = grant(target, 60);
    try {
      CampaignResponse won = election(target).campaign(campaign("el", lease, "a"));

      LeaderKey leader = won.getLeader();
      assertThat(leader.getName().toStringUtf8()).isEqualTo("el");
      assertThat(leader.getKey().toStringUtf8()).isEqualTo("el/" + Long.toHexString(lease));
      assertThat(leader.getRev()).isEqualTo(won.getHeader().getRevision());
      assertThat(leader.getLease()).isEqualTo(lease);
      assertThat(get(target, leader.getKey()).getValue().toStringUtf8()).isEqualTo("a");
    } finally {
      revoke(target, lease);
    }
  }

  @ConformanceTest
  void campaign_sameLeaseNewValue_reproclaimsKeepingFirstTxnHeader(EtcdTarget target) {
    long lease = grant(target, 60);
    try {
      CampaignResponse first = election(target).campaign(campaign("el", lease, "a"));

      CampaignResponse again = election(target).campaign(campaign("el", lease, "b"));

      var kv = get(target, again.getLeader().getKey());
      assertThat(kv.getValue().toStringUtf8()).isEqualTo("b");
      assertThat(kv.getModRevision()).isEqualTo(again.getHeader().getRevision() + 1);
      assertThat(again.getLeader().getRev()).isEqualTo(first.getLeader().getRev());
    } finally {
      revoke(target, lease);
    }
  }

  @ConformanceTest
  void campaign_waiting_winsAfterResignWithItsOriginalTxnHeader(EtcdTarget target)
      throws Exception {
    long a = grant(target, 60);
    long b = grant(target, 60);
    try {
      CampaignResponse first = election(target).campaign(campaign("el", a, "a"));
      CompletableFuture<CampaignResponse> second = new CompletableFuture<>();
      ElectionGrpc.newStub(target.channels().get(target.memberCount() - 1))
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .campaign(campaign("el", b, "b"), into(second));
      Thread.sleep(500);
      assertThat(second).isNotDone();

      ResignResponse resigned = election(target).resign(ResignRequest.newBuilder()
          .setLeader(first.getLeader()).build());

      CampaignResponse won = second.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      assertThat(won.getHeader().getRevision()).isEqualTo(won.getLeader().getRev());
      assertThat(won.getHeader().getRevision()).isLessThan(resigned.getHeader().getRevision());
    } finally {
      revoke(target, a);
      revoke(target, b);
    }
  }

  @ConformanceTest
  void proclaim_leader_updatesValueWithTxnHeader(EtcdTarget target) {
    long lease = grant(target, 60);
    try {
      CampaignResponse won = election(target).campaign(campaign("el", lease, "a"));

      long revision = election(target).proclaim(proclaim(won.getLeader(), "b")).getHeader()
          .getRevision();

      var kv = get(target, won.getLeader().getKey());
      assertThat(kv.getValue().toStringUtf8()).isEqualTo("b");
      assertThat(kv.getModRevision()).isEqualTo(revision);
    } finally {
      revoke(target, lease);
    }
  }

  @ConformanceTest
  void proclaim_staleRevision_failsUnknownNotLeader(EtcdTarget target) {
    long lease = grant(target, 60);
    try {
      CampaignResponse won = election(target).campaign(campaign("el", lease, "a"));
      LeaderKey stale = won.getLeader().toBuilder().setRev(won.getLeader().getRev() - 1).build();

      assertUnknown(() -> election(target).proclaim(proclaim(stale, "b")),
          "election: not leader");
    } finally {
      revoke(target, lease);
    }
  }

  @ConformanceTest
  void proclaim_missingLeader_failsUnknown(EtcdTarget target) {
    assertUnknown(() -> election(target).proclaim(ProclaimRequest.newBuilder()
        .setValue(bytes("b")).build()), "\"leader\" field must be provided");
  }

  @ConformanceTest
  void resign_missingLeader_failsUnknown(EtcdTarget target) {
    assertUnknown(() -> election(target).resign(ResignRequest.getDefaultInstance()),
        "\"leader\" field must be provided");
  }

  @ConformanceTest
  void resign_notLeader_succeedsAtCurrentRevision(EtcdTarget target) {
    long lease = grant(target, 60);
    try {
      LeaderKey nobody = LeaderKey.newBuilder().setName(bytes("el"))
          .setKey(bytes("el/" + Long.toHexString(lease))).setRev(1).setLease(lease).build();
      long before = revision(target);

      ResignResponse r = election(target).resign(ResignRequest.newBuilder().setLeader(nobody)
          .build());

      assertThat(r.getHeader().getRevision()).isEqualTo(before);
    } finally {
      revoke(target, lease);
    }
  }

  @ConformanceTest
  void leader_none_failsUnknownNoLeader(EtcdTarget target) {
    assertUnknown(() -> election(target).leader(LeaderRequest.newBuilder()
        .setName(bytes("el")).build()), "election: no leader");
  }

  @ConformanceTest
  void leader_twoCandidates_isTheOldestKey(EtcdTarget target) throws Exception {
    long a = grant(target, 60);
    long b = grant(target, 60);
    try {
      CampaignResponse first = election(target).campaign(campaign("el", a, "a"));
      ElectionGrpc.newStub(target.channels().get(0)).withDeadlineAfter(5, TimeUnit.SECONDS)
          .campaign(campaign("el", b, "b"), into(new CompletableFuture<>()));
      Thread.sleep(300);

      LeaderResponse leader = election(target).leader(LeaderRequest.newBuilder()
          .setName(bytes("el")).build());

      assertThat(leader.getKv().getKey()).isEqualTo(first.getLeader().getKey());
      assertThat(leader.getKv().getValue().toStringUtf8()).isEqualTo("a");
    } finally {
      revoke(target, a);
      revoke(target, b);
    }
  }

  @ConformanceTest
  void observe_streamsLeaderItsProclaimsThenTheNextLeader(EtcdTarget target) throws Exception {
    long a = grant(target, 60);
    long b = grant(target, 60);
    StreamCollector<LeaderResponse> seen = new StreamCollector<>("Observe response");
    try {
      CampaignResponse first = election(target).campaign(campaign("el", a, "a"));
      ElectionGrpc.newStub(target.channels().get(target.memberCount() - 1))
          .observe(LeaderRequest.newBuilder().setName(bytes("el")).build(), seen);
      assertThat(seen.next().getKv().getValue().toStringUtf8()).isEqualTo("a");
      CompletableFuture<CampaignResponse> second = new CompletableFuture<>();
      ElectionGrpc.newStub(target.channels().get(0))
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .campaign(campaign("el", b, "c"), into(second));

      long proclaimed = election(target).proclaim(proclaim(first.getLeader(), "b")).getHeader()
          .getRevision();
      LeaderResponse update = seen.next();
      election(target).resign(ResignRequest.newBuilder().setLeader(first.getLeader()).build());
      LeaderResponse successor = seen.next();

      assertThat(update.getKv().getValue().toStringUtf8()).isEqualTo("b");
      assertThat(update.getHeader().getRevision()).isEqualTo(proclaimed);
      assertThat(successor.getKv().getValue().toStringUtf8()).isEqualTo("c");
      assertThat(successor.getKv().getKey().toStringUtf8())
          .isEqualTo("el/" + Long.toHexString(b));
      second.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    } finally {
      seen.cancel();
      revoke(target, a);
      revoke(target, b);
    }
  }

  @ConformanceTest
  void observe_noLeader_waitsForTheFirstCampaign(EtcdTarget target) throws Exception {
    long lease = grant(target, 60);
    StreamCollector<LeaderResponse> seen = new StreamCollector<>("Observe response");
    try {
      ElectionGrpc.newStub(target.channels().get(0))
          .observe(LeaderRequest.newBuilder().setName(bytes("el")).build(), seen);
      Thread.sleep(300);
      assertThat(seen.queued()).isZero();

      CampaignResponse won = election(target).campaign(campaign("el", lease, "a"));

      LeaderResponse first = seen.next();
      assertThat(first.getKv().getKey()).isEqualTo(won.getLeader().getKey());
      assertThat(first.getHeader().getRevision()).isEqualTo(won.getHeader().getRevision());
    } finally {
      seen.cancel();
      revoke(target, lease);
    }
  }
}
