package dev.fakeetcd.benchmarks;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.Internals;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.Channel;

/**
 * The three calls measured, the same on every client: put of one of {@link #KEYS} keys, get of one
 * key, and a txn "if get's key exists then put a key else get it". Requests are built up front.
 */
final class Workload {

  static final int KEYS = 1000;
  static final int VALUE_BYTES = 100;
  static final String[] OPS = {"put", "get", "txn"};

  private static final ByteString GET_KEY = ByteString.copyFromUtf8("bench/get");
  private static final ByteString VALUE = ByteString.copyFrom(new byte[VALUE_BYTES]);
  private static final PutRequest[] PUTS = new PutRequest[KEYS];
  private static final TxnRequest[] TXNS = new TxnRequest[KEYS];
  private static final RangeRequest GET = RangeRequest.newBuilder().setKey(GET_KEY).build();
  private static final ByteSequence[] J_KEYS = new ByteSequence[KEYS];
  private static final ByteSequence J_GET_KEY = ByteSequence.from(GET_KEY.toByteArray());
  private static final ByteSequence J_VALUE = ByteSequence.from(VALUE.toByteArray());

  static {
    Compare exists = Compare.newBuilder().setKey(GET_KEY).setTarget(Compare.CompareTarget.VERSION)
        .setResult(Compare.CompareResult.GREATER).setVersion(0).build();
    for (int i = 0; i < KEYS; i++) {
      ByteString key = ByteString.copyFromUtf8(String.format("bench/k%04d", i));
      PUTS[i] = PutRequest.newBuilder().setKey(key).setValue(VALUE).build();
      TXNS[i] = TxnRequest.newBuilder().addCompare(exists)
          .addSuccess(RequestOp.newBuilder().setRequestPut(PUTS[i]))
          .addFailure(RequestOp.newBuilder().setRequestRange(GET)).build();
      J_KEYS[i] = ByteSequence.from(key.toByteArray());
    }
  }

  /** One call; {@code i} picks the key. */
  @FunctionalInterface
  interface Call {
    void run(int i) throws Exception;
  }

  /** The calls as a target serves them, in the order of {@link #OPS}. */
  record Calls(Call put, Call get, Call txn) {
    Call byName(String op) {
      return switch (op) {
        case "put" -> put;
        case "get" -> get;
        case "txn" -> txn;
        default -> throw new IllegalArgumentException(op);
      };
    }
  }

  private Workload() {
  }

  static Calls jetcd(KV kv) throws Exception {
    kv.put(J_GET_KEY, J_VALUE).get();
    Cmp exists = new Cmp(J_GET_KEY, Cmp.Op.GREATER, CmpTarget.version(0));
    return new Calls(
        i -> kv.put(J_KEYS[i % KEYS], J_VALUE).get(),
        i -> kv.get(J_GET_KEY).get(),
        i -> kv.txn().If(exists).Then(Op.put(J_KEYS[i % KEYS], J_VALUE, PutOption.DEFAULT))
            .Else(Op.get(J_GET_KEY, GetOption.DEFAULT)).commit().get());
  }

  static Calls stub(Channel channel) {
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
    kv.put(PutRequest.newBuilder().setKey(GET_KEY).setValue(VALUE).build());
    return new Calls(i -> kv.put(PUTS[i % KEYS]), i -> kv.range(GET), i -> kv.txn(TXNS[i % KEYS]));
  }

  /** One member's MVCC store: single-threaded, so only sequential callers. */
  static Calls store(Internals.Store store) {
    store.put(PutRequest.newBuilder().setKey(GET_KEY).setValue(VALUE).build());
    return new Calls(i -> store.put(PUTS[i % KEYS]), i -> store.range(GET),
        i -> store.txn(TXNS[i % KEYS]));
  }
}
