package dev.fakeetcd.conformance.kv;

import static dev.fakeetcd.conformance.Await.await;
import static dev.fakeetcd.conformance.Stubs.maintenance;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.Compare.CompareResult;
import dev.fakeetcd.api.Compare.CompareTarget;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.StatusResponse;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.conformance.EtcdTarget;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Byte strings, raw stubs and request builders shared by the KV conformance tests. */
final class Kv {

  static final String KEY_NOT_PROVIDED = "etcdserver: key is not provided";
  static final String KEY_NOT_FOUND = "etcdserver: key not found";
  static final String VALUE_PROVIDED = "etcdserver: value is provided";
  static final String LEASE_PROVIDED = "etcdserver: lease is provided";
  static final String LEASE_NOT_FOUND = "etcdserver: requested lease not found";
  static final String TOO_MANY_OPS = "etcdserver: too many operations in txn request";
  static final String DUPLICATE_KEY = "etcdserver: duplicate key given in txn request";
  static final String TOO_LARGE = "etcdserver: request is too large";
  static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
  static final String FUTURE = "etcdserver: mvcc: required revision is a future revision";

  /** etcd's default --max-request-bytes. */
  static final int MAX_REQUEST_BYTES = 1_572_864;
  /** etcd's default --max-txn-ops. */
  static final int MAX_TXN_OPS = 128;
  /** Key {@code \0}, which with range end {@code \0} selects every key. */
  static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  private static final long DEADLINE_SECONDS = 30;
  private static final long LEASE_TTL_SECONDS = 600;

  private Kv() {}

  static ByteString bytes(String utf8) {
    return ByteString.copyFromUtf8(utf8);
  }

  static ByteString bytes(int... unsignedBytes) {
    byte[] raw = new byte[unsignedBytes.length];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) unsignedBytes[i];
    }
    return ByteString.copyFrom(raw);
  }

  static ByteSequence sequence(String utf8) {
    return ByteSequence.from(utf8, StandardCharsets.UTF_8);
  }

  /** A KV stub talking to member 0; a deadline is set per stub, so take a fresh one per test. */
  static KVGrpc.KVBlockingStub kv(EtcdTarget target) {
    return kv(target, 0);
  }

  static KVGrpc.KVBlockingStub kv(EtcdTarget target, int member) {
    return KVGrpc.newBlockingStub(target.channels().get(member))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static StatusResponse status(EtcdTarget target, int member) {
    return maintenance(target, member).status(StatusRequest.getDefaultInstance());
  }

  /** Puts through member 0 and returns the new revision. */
  static long put(EtcdTarget target, String key, String value) {
    return kv(target).put(putRequest(key, value)).getHeader().getRevision();
  }

  static PutRequest putRequest(String key, String value) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
  }

  /** The store revision now, read as the header of a single-key Range. */
  static long currentRevision(EtcdTarget target) {
    return kv(target).range(RangeRequest.newBuilder().setKey(bytes("revision-probe")).build())
        .getHeader().getRevision();
  }

  static RangeResponse get(EtcdTarget target, String key) {
    return kv(target).range(RangeRequest.newBuilder().setKey(bytes(key)).build());
  }

  /** The only key-value stored under {@code key}. */
  static KeyValue single(EtcdTarget target, String key) {
    List<KeyValue> kvs = get(target, key).getKvsList();
    assertThat(kvs).as("key %s", key).hasSize(1);
    return kvs.get(0);
  }

  /** A Range over every key, in key order unless changed. */
  static RangeRequest.Builder everything() {
    return RangeRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO);
  }

  static List<String> keys(RangeResponse response) {
    return response.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
  }

  static RequestOp putOp(String key, String value) {
    return RequestOp.newBuilder().setRequestPut(putRequest(key, value)).build();
  }

  static RequestOp rangeOp(String key) {
    return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(key))).build();
  }

  static RequestOp deleteOp(String key, String rangeEnd) {
    return RequestOp.newBuilder().setRequestDeleteRange(
        DeleteRangeRequest.newBuilder().setKey(bytes(key)).setRangeEnd(bytes(rangeEnd))).build();
  }

  static RequestOp txnOp(TxnRequest.Builder txn) {
    return RequestOp.newBuilder().setRequestTxn(txn).build();
  }

  static Compare version(String key, CompareResult result, long version) {
    return Compare.newBuilder().setKey(bytes(key)).setTarget(CompareTarget.VERSION).setResult(result)
        .setVersion(version).build();
  }

  static Compare createRevision(String key, CompareResult result, long revision) {
    return Compare.newBuilder().setKey(bytes(key)).setTarget(CompareTarget.CREATE).setResult(result)
        .setCreateRevision(revision).build();
  }

  static Compare modRevision(String key, CompareResult result, long revision) {
    return Compare.newBuilder().setKey(bytes(key)).setTarget(CompareTarget.MOD).setResult(result)
        .setModRevision(revision).build();
  }

  static Compare value(String key, CompareResult result, ByteString value) {
    return Compare.newBuilder().setKey(bytes(key)).setTarget(CompareTarget.VALUE).setResult(result)
        .setValue(value).build();
  }

  static Compare lease(String key, CompareResult result, long lease) {
    return Compare.newBuilder().setKey(bytes(key)).setTarget(CompareTarget.LEASE).setResult(result)
        .setLease(lease).build();
  }

  /** Grants a lease through jetcd, as users do; the caller revokes it (targets keep leases across tests). */
  static long grantLease(Client client) {
    return await(client.getLeaseClient().grant(LEASE_TTL_SECONDS)).getID();
  }

  static void revokeLease(Client client, long lease) {
    await(client.getLeaseClient().revoke(lease));
  }
}
