package dev.fakeetcd.internal.v3lock;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.lock.LockGrpc;
import dev.fakeetcd.api.lock.LockRequest;
import dev.fakeetcd.api.lock.LockResponse;
import dev.fakeetcd.api.lock.UnlockRequest;
import dev.fakeetcd.api.lock.UnlockResponse;
import dev.fakeetcd.internal.v3client.InProcessClient;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * {@code v3lockpb.Lock} of one member, as etcd 3.4 serves it: {@code concurrency.Mutex} over a
 * client inside the member. Errors are Go errors, so they reach clients as code Unknown.
 */
public final class LockService extends LockGrpc.LockImplBase {

  private final InProcessClient client;

  public LockService(InProcessClient client) {
    this.client = client;
  }

  @Override
  public void lock(LockRequest request, StreamObserver<LockResponse> responses) {
    client.unary(responses, call -> client.session(call, request.getLease())
        .thenCompose(lease -> lock(call, request.getName(), lease)));
  }

  private CompletableFuture<LockResponse> lock(InProcessClient.Call call, ByteString name,
      long lease) {
    ByteString prefix = InProcessClient.prefixOf(name);
    ByteString myKey = InProcessClient.keyOf(prefix, lease);
    RequestOp owner = InProcessClient.get(
        InProcessClient.byCreate(prefix, RangeRequest.SortOrder.ASCEND));
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(InProcessClient.createRevisionIs(myKey, 0))
        .addSuccess(RequestOp.newBuilder().setRequestPut(
            PutRequest.newBuilder().setKey(myKey).setLease(lease)))
        .addSuccess(owner)
        .addFailure(InProcessClient.get(RangeRequest.newBuilder().setKey(myKey)))
        .addFailure(owner)
        .build();
    return client.txn(call, txn).thenCompose(r -> {
      long myRev = r.getSucceeded() ? r.getHeader().getRevision()
          : r.getResponses(0).getResponseRange().getKvs(0).getCreateRevision();
      RangeResponse holder = r.getResponses(1).getResponseRange();
      LockResponse.Builder locked = LockResponse.newBuilder().setKey(myKey);
      if (holder.getKvsCount() == 0 || holder.getKvs(0).getCreateRevision() == myRev) {
        return CompletableFuture.completedFuture(locked.setHeader(r.getHeader()).build());
      }
      // A waiter that gives up (its call cancelled, or a failed request) takes its key back.
      InProcessClient.Call cleanup = new InProcessClient.Call();
      call.onCancel(() -> client.delete(cleanup, myKey));
      return client.waitDeletes(call, prefix, myRev - 1).handle((header, failure) -> {
        if (failure != null) {
          if (!call.cancelled()) {
            client.delete(cleanup, myKey);
          }
          throw EtcdException.completion(failure);
        }
        return locked.setHeader(header).build();
      });
    });
  }

  @Override
  public void unlock(UnlockRequest request, StreamObserver<UnlockResponse> responses) {
    client.unary(responses, call -> client.delete(call, request.getKey())
        .thenApply(r -> UnlockResponse.newBuilder().setHeader(r.getHeader()).build()));
  }
}
