package dev.fakeetcd.conformance.lock;

import static dev.fakeetcd.conformance.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.conformance.ConformanceTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.LeaderResponse;
import io.etcd.jetcd.election.NoLeaderException;
import io.etcd.jetcd.election.NotLeaderException;
import io.etcd.jetcd.lock.LockResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Locks and elections as jetcd users see them. */
class JetcdLockElectionConformanceTest {

  private static final long TIMEOUT_SECONDS = 30;

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @ConformanceTest
  void lock_secondClientWaitsUntilTheFirstUnlocks(Client client) throws Exception {
    long a = await(client.getLeaseClient().grant(60)).getID();
    long b = await(client.getLeaseClient().grant(60)).getID();
    try {
      LockResponse held = await(client.getLockClient().lock(bytes("job"), a));
      CompletableFuture<LockResponse> waiting = client.getLockClient().lock(bytes("job"), b);
      Thread.sleep(500);
      assertThat(waiting).isNotDone();

      await(client.getLockClient().unlock(held.getKey()));

      assertThat(waiting.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).getKey())
          .isEqualTo(bytes("job/" + Long.toHexString(b)));
    } finally {
      await(client.getLeaseClient().revoke(a));
      await(client.getLeaseClient().revoke(b));
    }
  }

  @ConformanceTest
  void lock_leaseRevoked_releasesTheLockToTheWaiter(Client client) throws Exception {
    long a = await(client.getLeaseClient().grant(60)).getID();
    long b = await(client.getLeaseClient().grant(60)).getID();
    try {
      await(client.getLockClient().lock(bytes("job"), a));
      CompletableFuture<LockResponse> waiting = client.getLockClient().lock(bytes("job"), b);
      Thread.sleep(300);

      await(client.getLeaseClient().revoke(a));

      assertThat(waiting.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).getKey())
          .isEqualTo(bytes("job/" + Long.toHexString(b)));
    } finally {
      await(client.getLeaseClient().revoke(b));
    }
  }

  @ConformanceTest
  void election_leaderWithoutCandidates_throwsNoLeaderException(Client client) {
    assertThatThrownBy(() -> await(client.getElectionClient().leader(bytes("el"))))
        .isInstanceOf(NoLeaderException.class);
  }

  @ConformanceTest
  void election_proclaimOfStaleKey_throwsNotLeaderException(Client client) {
    long lease = await(client.getLeaseClient().grant(60)).getID();
    try {
      Election election = client.getElectionClient();
      LeaderKey leader = await(election.campaign(bytes("el"), lease, bytes("a"))).getLeader();
      await(election.resign(leader));

      assertThatThrownBy(() -> await(election.proclaim(leader, bytes("b"))))
          .isInstanceOf(NotLeaderException.class);
    } finally {
      await(client.getLeaseClient().revoke(lease));
    }
  }

  @ConformanceTest
  void election_campaignProclaimLeaderObserveResign(Client client) throws Exception {
    long lease = await(client.getLeaseClient().grant(60)).getID();
    Election election = client.getElectionClient();
    LinkedBlockingQueue<LeaderResponse> seen = new LinkedBlockingQueue<>();
    try {
      CampaignResponse won = await(election.campaign(bytes("el"), lease, bytes("a")));
      election.observe(bytes("el"), new Election.Listener() {
        @Override
        public void onNext(LeaderResponse response) {
          seen.add(response);
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onCompleted() {
        }
      });
      LeaderResponse first = seen.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      await(election.proclaim(won.getLeader(), bytes("b")));
      LeaderResponse second = seen.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      String current = await(election.leader(bytes("el"))).getKv().getValue().toString();
      await(election.resign(won.getLeader()));

      assertThat(first.getKv().getValue()).isEqualTo(bytes("a"));
      assertThat(second.getKv().getValue()).isEqualTo(bytes("b"));
      assertThat(current).isEqualTo("b");
      assertThatThrownBy(() -> await(election.leader(bytes("el"))))
          .isInstanceOf(NoLeaderException.class);
    } finally {
      await(client.getLeaseClient().revoke(lease));
    }
  }
}
