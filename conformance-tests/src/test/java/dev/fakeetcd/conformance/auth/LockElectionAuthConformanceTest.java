package dev.fakeetcd.conformance.auth;

import static dev.fakeetcd.api.Permission.Type.READWRITE;
import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.auth.Auth.bytes;
import static dev.fakeetcd.conformance.auth.Auth.permission;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.election.CampaignRequest;
import dev.fakeetcd.api.election.CampaignResponse;
import dev.fakeetcd.api.lock.LockRequest;
import dev.fakeetcd.api.lock.LockResponse;
import dev.fakeetcd.api.lock.UnlockRequest;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;

/**
 * Lock and Election run their KV requests with the caller's token (etcd 3.4:
 * {@code etcdserver/api/v3lock/lock.go} and {@code v3election/election.go} call the server through
 * {@code v3client} with the caller's context), so the caller needs READ and WRITE under
 * {@code <name>/}. A KV error comes back through clientv3 as code 2 with etcd's text.
 */
class LockElectionAuthConformanceTest {

  private static final String DENIED = "etcdserver: permission denied";

  private record Setup(PrivateCluster cluster, Caller root, Caller alice, long lease) {}

  /** Alice may read and write {@code job/...} only; she holds a 60 s lease. */
  private static Setup setup(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);
    Caller alice = Auth.user(cluster, root, "alice", permission(READWRITE, "job/", "job0"));
    long lease = alice.lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build())
        .getID();
    return new Setup(cluster, root, alice, lease);
  }

  @ConformanceTest
  void lock_nameOutsideTheCallersPermissions_failsUnknownPermissionDenied(
      ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertFails(() -> s.alice().lock().lock(LockRequest.newBuilder().setName(bytes("other"))
        .setLease(s.lease()).build()), Status.Code.UNKNOWN, DENIED);
  }

  @ConformanceTest
  void lock_nameInsideTheCallersPermissions_acquiresAndUnlocks(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    LockResponse held = s.alice().lock().lock(LockRequest.newBuilder().setName(bytes("job"))
        .setLease(s.lease()).build());
    s.alice().lock().unlock(UnlockRequest.newBuilder().setKey(held.getKey()).build());

    assertThat(held.getKey().toStringUtf8()).isEqualTo("job/" + Long.toHexString(s.lease()));
  }

  @ConformanceTest
  void campaign_nameOutsideTheCallersPermissions_failsUnknownPermissionDenied(
      ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertFails(() -> s.alice().election().campaign(CampaignRequest.newBuilder()
            .setName(bytes("other")).setLease(s.lease()).setValue(bytes("me")).build()),
        Status.Code.UNKNOWN, DENIED);
  }

  @ConformanceTest
  void campaign_nameInsideTheCallersPermissions_isElected(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    CampaignResponse elected = s.alice().election().campaign(CampaignRequest.newBuilder()
        .setName(bytes("job")).setLease(s.lease()).setValue(bytes("me")).build());

    assertThat(elected.getLeader().getKey().toStringUtf8())
        .isEqualTo("job/" + Long.toHexString(s.lease()));
  }

  @ConformanceTest
  void lock_withoutToken_failsUnknownUserNameIsEmpty(ClusterLauncher launcher) {
    Setup s = setup(launcher);

    assertFails(() -> Auth.anonymous(s.cluster()).lock().lock(LockRequest.newBuilder()
            .setName(bytes("job")).setLease(s.lease()).build()),
        Status.Code.UNKNOWN, "etcdserver: user name is empty");
  }
}
