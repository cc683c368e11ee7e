package dev.fakeetcd.conformance.auth;

import static dev.fakeetcd.api.Permission.Type.READ;
import static dev.fakeetcd.api.Permission.Type.READWRITE;
import static dev.fakeetcd.api.Permission.Type.WRITE;
import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.auth.Auth.bytes;
import static dev.fakeetcd.conformance.auth.Auth.permission;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import dev.fakeetcd.testing.StreamCollector;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * What a user's roles let it do with keys, auth on (etcd 3.4: {@code etcdserver/apply_auth.go},
 * {@code auth/range_perm_cache.go}). The requested range must lie wholly inside the union of the
 * granted ranges of the needed type; role root skips every check.
 */
class PermissionConformanceTest {

  private static final String DENIED = "etcdserver: permission denied";

  private record Setup(PrivateCluster cluster, Caller root, Caller alice) {}

  private static Setup alice(ClusterLauncher launcher, Permission... permissions) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);
    return new Setup(cluster, root, Auth.user(cluster, root, "alice", permissions));
  }

  private static RangeRequest range(String key, String rangeEnd) {
    return RangeRequest.newBuilder().setKey(bytes(key)).setRangeEnd(bytes(rangeEnd)).build();
  }

  private static RangeRequest get(String key) {
    return range(key, "");
  }

  private static PutRequest put(String key) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes("v")).build();
  }

  private static DeleteRangeRequest delete(String key) {
    return DeleteRangeRequest.newBuilder().setKey(bytes(key)).build();
  }

  private static RequestOp op(PutRequest put) {
    return RequestOp.newBuilder().setRequestPut(put).build();
  }

  private static RequestOp op(RangeRequest range) {
    return RequestOp.newBuilder().setRequestRange(range).build();
  }

  private static Compare exists(String key) {
    return Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.VERSION)
        .setResult(Compare.CompareResult.GREATER).setVersion(0).build();
  }

  private static long grantLease(Caller caller) {
    return caller.lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
  }

  @ConformanceTest
  void range_grantedKey_isRead(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READ, "k", ""));
    s.root().kv().put(put("k"));

    assertThat(s.alice().kv().range(get("k")).getKvsList()).hasSize(1);
  }

  @ConformanceTest
  void range_keyNotGranted_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READ, "k", ""));

    assertFails(() -> s.alice().kv().range(get("j")), Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void range_writeOnlyGrant_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(WRITE, "k", ""));

    assertFails(() -> s.alice().kv().range(get("k")), Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void range_coveredByTwoAdjacentGrants_isRead(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READ, "a", "c"), permission(READ, "c", "e"));

    assertThat(s.alice().kv().range(range("a", "e")).getCount()).isZero();
    assertThat(s.alice().kv().range(range("b", "d")).getCount()).isZero();
  }

  @ConformanceTest
  void range_partlyOutsideTheGrant_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READ, "a", "c"));

    assertFails(() -> s.alice().kv().range(range("a", "d")), Status.Code.PERMISSION_DENIED,
        DENIED);
  }

  @ConformanceTest
  void range_openEndedGrant_coversAnOpenEndedRequestFromInsideIt(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READ, "m", "\0"));

    assertThat(s.alice().kv().range(range("x", "\0")).getCount()).isZero();
    assertFails(() -> s.alice().kv().range(range("a", "\0")), Status.Code.PERMISSION_DENIED,
        DENIED);
  }

  @ConformanceTest
  void range_openEndedRequestBeyondABoundedGrant_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READ, "m", "z"));

    assertFails(() -> s.alice().kv().range(range("x", "\0")), Status.Code.PERMISSION_DENIED,
        DENIED);
  }

  @ConformanceTest
  void range_grantOfAnUnknownTypeNumber_permitsNeitherReadNorWrite(ClusterLauncher launcher) {
    Setup s = alice(launcher, Permission.newBuilder().setPermTypeValue(7).setKey(bytes("k"))
        .build());

    assertFails(() -> s.alice().kv().range(get("k")), Status.Code.PERMISSION_DENIED, DENIED);
    assertFails(() -> s.alice().kv().put(put("k")), Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void put_writeGranted_isWritten(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(WRITE, "k", ""));

    s.alice().kv().put(put("k"));

    assertThat(s.root().kv().range(get("k")).getCount()).isEqualTo(1);
  }

  @ConformanceTest
  void put_readOnlyGrant_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READ, "k", ""));

    assertFails(() -> s.alice().kv().put(put("k")), Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void put_prevKvWithoutRead_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(WRITE, "k", ""));
    s.alice().kv().put(put("k"));

    assertFails(() -> s.alice().kv().put(put("k").toBuilder().setPrevKv(true).build()),
        Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void put_leaseHoldingAKeyTheUserCannotWrite_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READWRITE, "k", ""));
    long shared = grantLease(s.root());
    s.root().kv().put(put("secret").toBuilder().setLease(shared).build());
    long own = grantLease(s.alice());
    s.alice().kv().put(put("k").toBuilder().setLease(own).build());

    // Attaching k to the lease would let alice revoke it, deleting a key she cannot write.
    assertFails(() -> s.alice().kv().put(put("k").toBuilder().setLease(shared).build()),
        Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void deleteRange_readOnlyGrant_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READ, "k", ""));

    assertFails(() -> s.alice().kv().deleteRange(delete("k")), Status.Code.PERMISSION_DENIED,
        DENIED);
  }

  @ConformanceTest
  void deleteRange_prevKvWithoutRead_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(WRITE, "k", ""));
    s.alice().kv().deleteRange(delete("k"));

    assertFails(() -> s.alice().kv().deleteRange(delete("k").toBuilder().setPrevKv(true).build()),
        Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void txn_compareOnAKeyNotReadable_failsPermissionDenied(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READWRITE, "k", ""), permission(WRITE, "w", ""));

    assertFails(() -> s.alice().kv().txn(TxnRequest.newBuilder().addCompare(exists("w"))
            .addSuccess(op(put("k"))).build()),
        Status.Code.PERMISSION_DENIED, DENIED);
  }

  @ConformanceTest
  void txn_opOfTheBranchNotTaken_isCheckedToo(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READWRITE, "k", ""));
    s.alice().kv().put(put("k"));

    // k exists, so success is taken; the put of secret in failure would never run.
    assertFails(() -> s.alice().kv().txn(TxnRequest.newBuilder().addCompare(exists("k"))
            .addSuccess(op(get("k"))).addFailure(op(put("secret"))).build()),
        Status.Code.PERMISSION_DENIED, DENIED);
    assertThat(s.alice().kv().txn(TxnRequest.newBuilder().addCompare(exists("k"))
        .addSuccess(op(get("k"))).addFailure(op(put("k"))).build()).getSucceeded()).isTrue();
  }

  /**
   * etcd 3.4.23 checks only the top-level ops of a txn ({@code checkTxnReqsPermission} has no case
   * for {@code RequestOp_RequestTxn}): through a nested txn a user allowed only {@code k} writes
   * and reads {@code secret}; fixed in etcd 3.4.42 and 3.5.28. The fake deliberately checks the
   * nested ops as it checks top-level ones, and denies.
   */
  @ConformanceTest
  void txn_nestedOpsOnKeysNotGranted_etcdLetsThemThroughWhileTheFakeDenies(
      ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READWRITE, "k", ""));
    TxnRequest nested = TxnRequest.newBuilder()
        .addSuccess(op(put("secret")))
        .addSuccess(op(get("secret")))
        .build();
    TxnRequest txn = TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRequestTxn(nested)).build();

    if (s.cluster().name().startsWith("fake")) {
      assertFails(() -> s.alice().kv().txn(txn), Status.Code.PERMISSION_DENIED, DENIED);
      assertThat(s.root().kv().range(get("secret")).getCount()).isZero();
    } else {
      TxnResponse answer = s.alice().kv().txn(txn);

      assertThat(answer.getResponses(0).getResponseTxn().getResponses(1).getResponseRange()
          .getKvs(0).getValue().toStringUtf8()).isEqualTo("v");
      assertThat(s.root().kv().range(get("secret")).getCount()).isEqualTo(1);
    }
  }

  @ConformanceTest
  void watch_keyNotReadable_isCanceledAtCreateWithWatchIdMinusOne(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READ, "k", ""));
    StreamCollector<WatchResponse> answers = new StreamCollector<>("watch response");
    StreamObserver<WatchRequest> requests = s.alice().watch().watch(answers);
    try {
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
          .setKey(bytes("secret"))).build());

      WatchResponse denied = answers.next();

      assertThat(denied.getWatchId()).isEqualTo(-1);
      assertThat(denied.getCreated()).isTrue();
      assertThat(denied.getCanceled()).isTrue();
      assertThat(denied.getCancelReason())
          .isEqualTo("rpc error: code = PermissionDenied desc = etcdserver: permission denied");
      assertThat(denied.getHeader().getRevision()).isPositive();
    } finally {
      answers.cancel();
    }
  }

  @ConformanceTest
  void watch_deniedCreate_leavesTheStreamServingPermittedWatches(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READ, "k", ""));
    StreamCollector<WatchResponse> answers = new StreamCollector<>("watch response");
    StreamObserver<WatchRequest> requests = s.alice().watch().watch(answers);
    try {
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
          .setKey(bytes("secret"))).build());
      assertThat(answers.next().getCanceled()).isTrue();

      requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
          .setKey(bytes("k"))).build());
      WatchResponse created = answers.next();
      s.root().kv().put(put("k"));

      assertThat(created.getCreated()).isTrue();
      assertThat(created.getCanceled()).isFalse();
      assertThat(created.getWatchId()).isZero();
      assertThat(answers.next().getEventsList()).hasSize(1);
    } finally {
      answers.cancel();
    }
  }

  @ConformanceTest
  void watch_noTokenWhileEnabled_isCanceledWithUserNameIsEmpty(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Auth.enable(cluster);
    StreamCollector<WatchResponse> answers = new StreamCollector<>("watch response");
    StreamObserver<WatchRequest> requests = Auth.anonymous(cluster).watch().watch(answers);
    try {
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
          .setKey(bytes("k"))).build());

      WatchResponse denied = answers.next();

      assertThat(denied.getWatchId()).isEqualTo(-1);
      assertThat(denied.getCanceled()).isTrue();
      assertThat(denied.getCancelReason())
          .isEqualTo("rpc error: code = InvalidArgument desc = etcdserver: user name is empty");
    } finally {
      answers.cancel();
    }
  }

  @ConformanceTest
  void leaseRevoke_leaseHoldingAKeyTheUserCannotWrite_failsPermissionDenied(
      ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READWRITE, "k", ""));
    long lease = grantLease(s.alice());
    s.root().kv().put(put("secret").toBuilder().setLease(lease).build());

    assertFails(() -> s.alice().lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease)
        .build()), Status.Code.PERMISSION_DENIED, DENIED);
    assertThat(s.root().kv().range(get("secret")).getCount()).isEqualTo(1);
  }

  @ConformanceTest
  void leaseRevoke_leaseHoldingOnlyWritableKeys_revokesIt(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READWRITE, "k", ""));
    long lease = grantLease(s.alice());
    s.alice().kv().put(put("k").toBuilder().setLease(lease).build());

    s.alice().lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build());

    assertThat(s.alice().kv().range(get("k")).getCount()).isZero();
  }

  @ConformanceTest
  void kv_noTokenWhileEnabled_failsUserNameIsEmpty(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Auth.enable(cluster);
    Caller anonymous = Auth.anonymous(cluster);
    String empty = "etcdserver: user name is empty";

    assertFails(() -> anonymous.kv().range(get("k")), Status.Code.INVALID_ARGUMENT, empty);
    assertFails(() -> anonymous.kv().put(put("k")), Status.Code.INVALID_ARGUMENT, empty);
    assertFails(() -> anonymous.kv().deleteRange(delete("k")), Status.Code.INVALID_ARGUMENT,
        empty);
    assertFails(() -> anonymous.kv().txn(TxnRequest.newBuilder().addSuccess(op(get("k")))
        .build()), Status.Code.INVALID_ARGUMENT, empty);
  }

  @ConformanceTest
  void root_bypassesEveryKeyCheck(ClusterLauncher launcher) {
    PrivateCluster cluster = Auth.launch(launcher);
    Caller root = Auth.enable(cluster);
    long lease = grantLease(root);

    root.kv().put(put("anything").toBuilder().setLease(lease).setPrevKv(true).build());
    TxnResponse txn = root.kv().txn(TxnRequest.newBuilder().addCompare(exists("anything"))
        .addSuccess(op(range("\0", "\0"))).addFailure(op(put("other"))).build());
    root.kv().deleteRange(delete("anything").toBuilder().setPrevKv(true).build());
    root.lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build());

    assertThat(txn.getResponses(0).getResponseRange().getCount()).isEqualTo(1);
  }

  @ConformanceTest
  void range_roleGrantedAfterLogin_appliesToTheExistingToken(ClusterLauncher launcher) {
    Setup s = alice(launcher, permission(READ, "k", ""));
    assertFails(() -> s.alice().kv().range(get("j")), Status.Code.PERMISSION_DENIED, DENIED);

    s.root().auth().roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder()
        .setName("alice").setPerm(permission(READ, "j", "")).build());

    assertThat(s.alice().kv().range(get("j")).getCount()).isZero();
  }
}
