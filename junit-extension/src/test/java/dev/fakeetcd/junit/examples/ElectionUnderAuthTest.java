package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.examples.CrashRestartTest.caughtUp;
import static dev.fakeetcd.junit.examples.WatchReconnectTest.bytes;
import static dev.fakeetcd.junit.examples.WatchUnderAuthTest.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.junit.EtcdTest;
import dev.fakeetcd.junit.EtcdUser;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.LeaderResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Instances of a scheduler elect a leader through jetcd's {@code Election} as users of an
 * auth-enabled cluster. etcd's election service runs its requests with the caller's token, so a
 * campaign needs READWRITE under the election's prefix; an observer's stream, once it follows a
 * leader, outlives its token while that leader stays, and a crash of the Raft leader.
 */
class ElectionUnderAuthTest {

  static final ByteSequence ELECTION = bytes("scheduler");

  static AuthSetup schedulers() {
    return AuthSetup.withRootPassword("rootpw")
        .role("scheduler").grantPrefix("scheduler", Permission.Type.READWRITE, "scheduler/")
        .user("scheduler-a", "pw-a", "scheduler")
        .user("scheduler-b", "pw-b", "scheduler")
        .user("dashboard", "pw-d", "scheduler")
        .user("reporter", "pw-r");
  }

  @Nested
  @EtcdTest(members = 1, auth = "schedulers", bcryptCost = 4)
  class OneMember extends Scenarios {
  }

  @Nested
  @EtcdTest(members = 3, auth = "schedulers", bcryptCost = 4)
  class ThreeMembers extends Scenarios {

    @Test
    void observe_raftLeaderCrashesAndRestarts_keepsDeliveringProclaims(EtcdCluster cluster)
        throws Exception {
      Member raftLeader = cluster.awaitLeader();
      List<Member> followers = cluster.members().stream().filter(m -> m != raftLeader).toList();
      try (Client candidate = as(List.of(followers.get(0)), "scheduler-a", "pw-a");
          Client dashboard = as(List.of(followers.get(1)), "dashboard", "pw-d")) {
        LeaderKey leader = campaign(candidate, "instance-a");
        LinkedBlockingQueue<String> seen = observe(dashboard);
        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("instance-a");

        raftLeader.crash();
        // A proposal sent to the dead leader would time out, as in etcd: proclaim to the next.
        assertThat(cluster.awaitLeader()).isNotEqualTo(raftLeader);
        candidate.getElectionClient().proclaim(leader, bytes("instance-a:2"))
            .get(10, TimeUnit.SECONDS);
        raftLeader.restart();
        caughtUp(cluster);
        candidate.getElectionClient().proclaim(leader, bytes("instance-a:3"))
            .get(10, TimeUnit.SECONDS);

        assertThat(List.of(seen.poll(10, TimeUnit.SECONDS), seen.poll(10, TimeUnit.SECONDS)))
            .containsExactly("instance-a:2", "instance-a:3");
      }
    }
  }

  abstract static class Scenarios {

    @Test
    void campaign_userWithReadwriteOnPrefix_leadsAndProclaims(
        @EtcdUser("scheduler-a") Client candidate, @EtcdUser("dashboard") Client dashboard)
        throws Exception {
      LeaderKey leader = campaign(candidate, "instance-a");
      LinkedBlockingQueue<String> seen = observe(dashboard);
      String first = seen.poll(10, TimeUnit.SECONDS);

      candidate.getElectionClient().proclaim(leader, bytes("instance-a:2"))
          .get(10, TimeUnit.SECONDS);

      assertThat(first).isEqualTo("instance-a");
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("instance-a:2");
      assertThat(dashboard.getElectionClient().leader(ELECTION).get(10, TimeUnit.SECONDS).getKv()
          .getValue()).isEqualTo(bytes("instance-a:2"));
    }

    /** etcd's election service returns its KV error as a plain Go error: code Unknown. */
    @Test
    void campaign_userWithoutPermission_failsUnknownPermissionDenied(
        @EtcdUser("reporter") Client reporter) throws Exception {
      long lease = reporter.getLeaseClient().grant(600).get(10, TimeUnit.SECONDS).getID();

      ExecutionException failed = catchThrowableOfType(ExecutionException.class,
          () -> reporter.getElectionClient().campaign(ELECTION, lease, bytes("instance-r"))
              .get(10, TimeUnit.SECONDS));

      assertThat(failed.getCause()).isInstanceOfSatisfying(EtcdException.class, e -> {
        assertThat(e.getErrorCode()).isEqualTo(ErrorCode.UNKNOWN);
        assertThat(e.getMessage()).isEqualTo("etcdserver: permission denied");
      });
    }

    /**
     * The observer's stream follows the leader's key with the token it was opened with; etcd
     * checks it only for the requests the observation makes, so proclaims still arrive after
     * every token expired (the proclaim itself is retried by jetcd with a new token).
     */
    @Test
    void observe_acrossTokenExpiry_keepsDeliveringProclaims(EtcdCluster cluster,
        @EtcdUser("scheduler-a") Client candidate, @EtcdUser("dashboard") Client dashboard)
        throws Exception {
      LeaderKey leader = campaign(candidate, "instance-a");
      LinkedBlockingQueue<String> seen = observe(dashboard);
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("instance-a");

      cluster.authTokens().expireNow();
      candidate.getElectionClient().proclaim(leader, bytes("instance-a:2"))
          .get(10, TimeUnit.SECONDS);

      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("instance-a:2");
    }

    /**
     * When the leader resigns, the observation looks the next leader up with the token the stream
     * was opened with: after every token expired that request fails, and etcd 3.4's election
     * service ends the stream with status OK, which jetcd reports as completed (it does not
     * observe again). The standby's campaign, failing the same way, is retried by jetcd with a
     * new token and wins.
     */
    @Test
    void observe_leaderResignsAfterTokenExpiry_completesQuietly(EtcdCluster cluster,
        @EtcdUser("scheduler-a") Client a, @EtcdUser("scheduler-b") Client b,
        @EtcdUser("dashboard") Client dashboard) throws Exception {
      LeaderKey leader = campaign(a, "instance-a");
      long leaseB = b.getLeaseClient().grant(600).get(10, TimeUnit.SECONDS).getID();
      CompletableFuture<CampaignResponse> standby =
          b.getElectionClient().campaign(ELECTION, leaseB, bytes("instance-b"));
      LinkedBlockingQueue<String> seen = observe(dashboard);
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("instance-a");

      cluster.authTokens().expireNow();
      a.getElectionClient().resign(leader).get(10, TimeUnit.SECONDS);

      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("completed");
      assertThat(standby.get(10, TimeUnit.SECONDS).getLeader().getKey())
          .isEqualTo(bytes("scheduler/" + Long.toHexString(leaseB)));
    }
  }

  /** Campaigns with a 10-minute lease (not kept alive: the tests run for less). */
  static LeaderKey campaign(Client candidate, String value) throws Exception {
    long lease = candidate.getLeaseClient().grant(600).get(10, TimeUnit.SECONDS).getID();
    return candidate.getElectionClient().campaign(ELECTION, lease, bytes(value))
        .get(10, TimeUnit.SECONDS).getLeader();
  }

  /** The values the leader's key takes, as jetcd's observe reports them. */
  static LinkedBlockingQueue<String> observe(Client client) {
    LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
    client.getElectionClient().observe(ELECTION, new Election.Listener() {
      @Override
      public void onNext(LeaderResponse response) {
        seen.add(response.getKv().getValue().toString(StandardCharsets.UTF_8));
      }

      @Override
      public void onError(Throwable throwable) {
        seen.add("error: " + throwable.getMessage());
      }

      @Override
      public void onCompleted() {
        seen.add("completed");
      }
    });
    return seen;
  }
}
