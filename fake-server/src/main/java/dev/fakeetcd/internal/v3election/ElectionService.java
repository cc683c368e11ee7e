package dev.fakeetcd.internal.v3election;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.api.election.CampaignRequest;
import dev.fakeetcd.api.election.CampaignResponse;
import dev.fakeetcd.api.election.ElectionGrpc;
import dev.fakeetcd.api.election.LeaderKey;
import dev.fakeetcd.api.election.LeaderRequest;
import dev.fakeetcd.api.election.LeaderResponse;
import dev.fakeetcd.api.election.ProclaimRequest;
import dev.fakeetcd.api.election.ProclaimResponse;
import dev.fakeetcd.api.election.ResignRequest;
import dev.fakeetcd.api.election.ResignResponse;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.v3client.InProcessClient;
import dev.fakeetcd.internal.v3rpc.Outbox;
import dev.fakeetcd.internal.watch.KeyFeed;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code v3electionpb.Election} of one member, as etcd 3.4 serves it: {@code
 * concurrency.Election} over a client inside the member. Errors reach clients as code Unknown.
 */
public final class ElectionService extends ElectionGrpc.ElectionImplBase {

  private final InProcessClient client;
  private final SimClock clock;
  private final Executor sender;

  public ElectionService(InProcessClient client, SimClock clock, Executor sender) {
    this.client = client;
    this.clock = clock;
    this.sender = sender;
  }

  @Override
  public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> responses) {
    client.unary(responses, call -> client.session(call, request.getLease())
        .thenCompose(lease -> campaign(call, request, lease)));
  }

  private CompletableFuture<CampaignResponse> campaign(InProcessClient.Call call,
      CampaignRequest request, long lease) {
    ByteString prefix = InProcessClient.prefixOf(request.getName());
    ByteString key = InProcessClient.keyOf(prefix, lease);
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(InProcessClient.createRevisionIs(key, 0))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key)
            .setValue(request.getValue()).setLease(lease)))
        .addFailure(InProcessClient.get(RangeRequest.newBuilder().setKey(key)))
        .build();
    return client.txn(call, txn).thenCompose(r -> {
      LeaderKey.Builder leader = LeaderKey.newBuilder().setName(request.getName()).setKey(key)
          .setLease(lease).setRev(r.getHeader().getRevision());
      CompletableFuture<Void> proclaimed = CompletableFuture.completedFuture(null);
      if (!r.getSucceeded()) {
        KeyValue kv = r.getResponses(0).getResponseRange().getKvs(0);
        leader.setRev(kv.getCreateRevision());
        if (!kv.getValue().equals(request.getValue())) {
          // A session re-campaigning with a new value proclaims it; on failure it resigns.
          proclaimed = proclaim(call, leader.build(), request.getValue()).handle((p, failure) -> {
            if (failure != null) {
              if (!EtcdException.is(failure, EtcdError.ELECTION_NOT_LEADER)) {
                resign(new InProcessClient.Call(), leader.build());
              }
              throw EtcdException.completion(failure);
            }
            return null;
          });
        }
      }
      return proclaimed.thenCompose(ignored -> {
        call.onCancel(() -> resign(new InProcessClient.Call(), leader.build()));
        return client.waitDeletes(call, prefix, leader.getRev() - 1);
      }).thenApply(won -> CampaignResponse.newBuilder().setHeader(r.getHeader())
          .setLeader(leader).build());
    });
  }

  @Override
  public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> responses) {
    client.unary(responses, call -> {
      LeaderKey leader = requireLeader(request.hasLeader(), request.getLeader());
      // etcd resumes the election on a session of the given lease (a new 60 s one for 0), and
      // the proclaiming put moves the key to it.
      return client.session(call, leader.getLease())
          .thenCompose(lease -> proclaim(call, leader.toBuilder().setLease(lease).build(),
              request.getValue()))
          .thenApply(r -> ProclaimResponse.newBuilder().setHeader(r.getHeader()).build());
    });
  }

  /**
   * {@code Election.Proclaim}: a new value, under the leader's session lease, for a leader key that
   * still has its create revision (0: absent, so the put creates it).
   */
  private CompletableFuture<TxnResponse> proclaim(InProcessClient.Call call, LeaderKey leader,
      ByteString value) {
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(InProcessClient.createRevisionIs(leader.getKey(), leader.getRev()))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
            .setKey(leader.getKey()).setValue(value).setLease(leader.getLease())))
        .build();
    return client.txn(call, txn).thenApply(r -> {
      if (!r.getSucceeded()) {
        throw EtcdError.ELECTION_NOT_LEADER.toException();
      }
      return r;
    });
  }

  @Override
  public void resign(ResignRequest request, StreamObserver<ResignResponse> responses) {
    client.unary(responses, call -> {
      LeaderKey leader = requireLeader(request.hasLeader(), request.getLeader());
      return client.session(call, leader.getLease())
          .thenCompose(lease -> resign(call, leader))
          .thenApply(r -> ResignResponse.newBuilder().setHeader(r.getHeader()).build());
    });
  }

  /** {@code Election.Resign}: deletes the leader key if it still has its create revision. */
  private CompletableFuture<TxnResponse> resign(InProcessClient.Call call, LeaderKey leader) {
    return client.txn(call, TxnRequest.newBuilder()
        .addCompare(InProcessClient.createRevisionIs(leader.getKey(), leader.getRev()))
        .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(
            DeleteRangeRequest.newBuilder().setKey(leader.getKey())))
        .build());
  }

  private static LeaderKey requireLeader(boolean present, LeaderKey leader) {
    if (!present) {
      throw EtcdError.ELECTION_MISSING_LEADER.toException();
    }
    return leader;
  }

  @Override
  public void leader(LeaderRequest request, StreamObserver<LeaderResponse> responses) {
    ByteString prefix = InProcessClient.prefixOf(request.getName());
    client.unary(responses, call -> client.range(call,
        InProcessClient.byCreate(prefix, RangeRequest.SortOrder.ASCEND).build()).thenApply(r -> {
          if (r.getKvsCount() == 0) {
            throw EtcdError.ELECTION_NO_LEADER.toException();
          }
          return LeaderResponse.newBuilder().setHeader(r.getHeader()).setKv(r.getKvs(0)).build();
        }));
  }

  @Override
  public void observe(LeaderRequest request, StreamObserver<LeaderResponse> responses) {
    new Observer(InProcessClient.prefixOf(request.getName()),
        (ServerCallStreamObserver<LeaderResponse>) responses).start();
  }

  /**
   * {@code Election.Observe}: the current leader, each new value of its key, and when the key is
   * deleted the next leader; with none, the first key put under the prefix. The loop ends quietly
   * (status OK) when one of its requests fails, as etcd's does.
   */
  private final class Observer {
    private final ByteString prefix;
    private final ServerCallStreamObserver<LeaderResponse> out;
    /** Sends go out in order on the sender pool, never under the cluster lock. */
    private final Outbox<LeaderResponse> outbox;
    private final InProcessClient.Call call = InProcessClient.Call.ofCaller();
    private KeyFeed.Subscription watch;

    Observer(ByteString prefix, ServerCallStreamObserver<LeaderResponse> out) {
      this.prefix = prefix;
      this.out = out;
      this.outbox = new Outbox<>(out, sender, clock);
    }

    void start() {
      out.setOnCancelHandler(() -> {
        outbox.close();
        client.run(this::cancel);
      });
      client.run(() -> {
        if (!client.member().isUp()) {
          outbox.fail(EtcdError.STOPPED.asException());
          return;
        }
        next();
      });
      client.settle(call);
    }

    private void cancel() {
      if (watch != null) {
        watch.cancel();
      }
      call.cancel();
    }

    /** Looks for the current leader, or waits for the first key. */
    private void next() {
      if (call.cancelled()) {
        return;
      }
      client.range(call, InProcessClient.byCreate(prefix, RangeRequest.SortOrder.ASCEND).build())
          .whenComplete((r, failure) -> {
            if (call.cancelled()) {
              return;
            } else if (failure != null) {
              end();
            } else if (r.getKvsCount() == 0) {
              awaitFirst(r.getHeader().getRevision());
            } else {
              lead(r.getHeader(), r.getKvs(0));
            }
          });
    }

    private void awaitFirst(long revision) {
      watch = client.member().feed().subscribe(prefix, InProcessClient.prefixEnd(prefix), revision,
          batch -> {
            for (Event e : batch.events()) {
              if (e.getType() == Event.EventType.PUT) {
                watch.cancel();
                lead(header(e.getKv().getModRevision()), e.getKv());
                return;
              }
            }
          }, failure -> end());
    }

    private void lead(ResponseHeader header, KeyValue leader) {
      emit(header, leader);
      watch = client.member().feed().subscribe(leader.getKey(), ByteString.EMPTY,
          header.getRevision() + 1, batch -> {
            for (Event e : batch.events()) {
              if (e.getType() == Event.EventType.DELETE) {
                watch.cancel();
                next();
                return;
              }
              emit(header(batch.revision()), e.getKv());
            }
          }, failure -> end());
    }

    private ResponseHeader header(long revision) {
      return client.member().header(ResponseHeader.newBuilder().setRevision(revision).build());
    }

    private void emit(ResponseHeader header, KeyValue kv) {
      outbox.send(LeaderResponse.newBuilder().setHeader(header).setKv(kv).build());
    }

    private void end() {
      outbox.complete();
    }
  }
}
