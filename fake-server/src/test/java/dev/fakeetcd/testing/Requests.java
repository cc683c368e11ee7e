package dev.fakeetcd.testing;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import java.util.List;

/** Short builders for KV requests in tests. */
public final class Requests {
  private Requests() {}

  public static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  public static ByteString bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return ByteString.copyFrom(b);
  }

  public static final ByteString FROM_KEY = bytes(0);

  public static PutRequest put(String key, String value) {
    return PutRequest.newBuilder().setKey(bs(key)).setValue(bs(value)).build();
  }

  public static RangeRequest get(String key) {
    return RangeRequest.newBuilder().setKey(bs(key)).build();
  }

  public static RangeRequest.Builder range(String key, String end) {
    return RangeRequest.newBuilder().setKey(bs(key)).setRangeEnd(bs(end));
  }

  public static DeleteRangeRequest delete(String key) {
    return DeleteRangeRequest.newBuilder().setKey(bs(key)).build();
  }

  public static DeleteRangeRequest delete(String key, String end) {
    return DeleteRangeRequest.newBuilder().setKey(bs(key)).setRangeEnd(bs(end)).build();
  }

  public static RequestOp op(PutRequest put) {
    return RequestOp.newBuilder().setRequestPut(put).build();
  }

  public static RequestOp op(RangeRequest range) {
    return RequestOp.newBuilder().setRequestRange(range).build();
  }

  public static RequestOp op(DeleteRangeRequest delete) {
    return RequestOp.newBuilder().setRequestDeleteRange(delete).build();
  }

  public static RequestOp op(TxnRequest txn) {
    return RequestOp.newBuilder().setRequestTxn(txn).build();
  }

  public static TxnRequest txn(List<Compare> compares, List<RequestOp> success, List<RequestOp> failure) {
    return TxnRequest.newBuilder().addAllCompare(compares).addAllSuccess(success).addAllFailure(failure).build();
  }

  public static TxnRequest then(RequestOp... success) {
    return TxnRequest.newBuilder().addAllSuccess(List.of(success)).build();
  }

  public static Compare.Builder compare(String key, Compare.CompareTarget target, Compare.CompareResult result) {
    return Compare.newBuilder().setKey(bs(key)).setTarget(target).setResult(result);
  }

  public static Compare versionIs(String key, long version) {
    return compare(key, Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL).setVersion(version).build();
  }

  public static List<String> keys(List<dev.fakeetcd.api.KeyValue> kvs) {
    return kvs.stream().map(kv -> kv.getKey().toStringUtf8()).toList();
  }
}
