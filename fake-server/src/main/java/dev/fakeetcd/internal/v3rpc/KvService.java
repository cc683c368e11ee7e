package dev.fakeetcd.internal.v3rpc;

import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.server.CallerToken;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberServer;
import io.grpc.stub.StreamObserver;

/** {@code etcdserverpb.KV} of one member: hands each call to the member under the cluster lock. */
public final class KvService extends KVGrpc.KVImplBase {

  private final Cluster cluster;
  private final MemberServer member;

  public KvService(Cluster cluster, MemberServer member) {
    this.cluster = cluster;
    this.member = member;
  }

  @Override
  public void range(RangeRequest request, StreamObserver<RangeResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses, () -> member.range(request, caller));
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses, () -> member.put(request, caller));
  }

  @Override
  public void deleteRange(DeleteRangeRequest request,
      StreamObserver<DeleteRangeResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses, () -> member.deleteRange(request, caller));
  }

  @Override
  public void txn(TxnRequest request, StreamObserver<TxnResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses, () -> member.txn(request, caller));
  }

  @Override
  public void compact(CompactionRequest request, StreamObserver<CompactionResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses, () -> member.compact(request, caller));
  }
}
