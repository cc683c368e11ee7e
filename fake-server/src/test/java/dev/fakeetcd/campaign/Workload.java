package dev.fakeetcd.campaign;

import static dev.fakeetcd.testing.Requests.bs;
import static dev.fakeetcd.testing.Requests.get;
import static dev.fakeetcd.testing.Requests.op;
import static dev.fakeetcd.testing.Requests.put;
import static dev.fakeetcd.testing.Requests.range;

import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.testing.Observers;
import dev.fakeetcd.testing.WatchTestClient;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The clients' side of a campaign run: draws one operation at a time and issues it through the
 * same gRPC services users call, counting each outcome in the tally (group "op", name "KIND
 * outcome"). Every draw comes from the caller's {@link Random}, never from what came back, so a
 * single-threaded run issues the same calls on every rerun. Thread-safe.
 */
final class Workload {

  enum Kind {
    PUT(20), RANGE_LINEARIZABLE(14), RANGE_SERIALIZABLE(8), TXN_CAS_VALUE(6), TXN_CAS_VERSION(5),
    TXN_CAS_MOD_REVISION(5), DELETE_KEY(6), DELETE_PREFIX(3), WATCH_FROM_NOW(4),
    WATCH_FROM_PAST(4), LEASE_GRANT(5), PUT_WITH_LEASE(6), LEASE_REVOKE(3);

    final int weight;

    Kind(int weight) {
      this.weight = weight;
    }

    static Kind draw(Random random) {
      int total = 0;
      for (Kind k : values()) {
        total += k.weight;
      }
      int r = random.nextInt(total);
      for (Kind k : values()) {
        r -= k.weight;
        if (r < 0) {
          return k;
        }
      }
      throw new AssertionError(r);
    }
  }

  /** Every key lies in [k, l): the "prefix" operations cover them all. */
  private static final String PREFIX = "k";
  private static final String PREFIX_END = "l";

  private final int keys;
  /** A deadline for each call, for real-thread clients; null: calls wait for virtual time. */
  private final Duration deadline;
  private final Tally tally;
  private final AtomicInteger values = new AtomicInteger();
  private final List<Long> leaseIds = new CopyOnWriteArrayList<>();
  private final List<WatchTestClient> watches = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<?>> calls = new CopyOnWriteArrayList<>();
  private final List<String> serverErrors = new CopyOnWriteArrayList<>();

  Workload(int keys, Duration deadline, Tally tally) {
    this.keys = keys;
    this.deadline = deadline;
    this.tally = tally;
  }

  /** Leases granted or asked for, by their client-chosen IDs. */
  List<Long> leaseIds() {
    return leaseIds;
  }

  /** Every unary call issued; each completes normally once answered. */
  List<CompletableFuture<?>> calls() {
    return calls;
  }

  /** Calls that ended as a server failure would (see {@link #isServerFailure}). */
  List<String> serverErrors() {
    return serverErrors;
  }

  /** Issues one drawn operation on {@code channel}; returns its future (done for a watch). */
  CompletableFuture<?> issue(Random random, Channel channel) {
    Kind kind = Kind.draw(random);
    if ((kind == Kind.PUT_WITH_LEASE || kind == Kind.LEASE_REVOKE) && leaseIds.isEmpty()) {
      kind = Kind.LEASE_GRANT;
    }
    String key = key(random);
    KVGrpc.KVStub kv = bounded(KVGrpc.newStub(channel));
    LeaseGrpc.LeaseStub lease = bounded(LeaseGrpc.newStub(channel));
    return switch (kind) {
      case PUT -> call(kind, kv::put, put(key, nextValue()));
      case RANGE_LINEARIZABLE, RANGE_SERIALIZABLE -> call(kind, kv::range,
          (random.nextBoolean() ? get(key).toBuilder() : range(PREFIX, PREFIX_END))
              .setSerializable(kind == Kind.RANGE_SERIALIZABLE).build());
      case TXN_CAS_VALUE, TXN_CAS_VERSION, TXN_CAS_MOD_REVISION ->
          call(kind, kv::txn, cas(kind, key, random));
      case DELETE_KEY -> call(kind, kv::deleteRange,
          DeleteRangeRequest.newBuilder().setKey(bs(key)).setPrevKv(random.nextBoolean()).build());
      case DELETE_PREFIX -> call(kind, kv::deleteRange,
          DeleteRangeRequest.newBuilder().setKey(bs(PREFIX)).setRangeEnd(bs(PREFIX_END)).build());
      case WATCH_FROM_NOW, WATCH_FROM_PAST -> watch(kind, channel, key, random);
      case LEASE_GRANT -> {
        long id = 1000 + leaseIds.size();
        leaseIds.add(id);
        yield call(kind, lease::leaseGrant,
            LeaseGrantRequest.newBuilder().setID(id).setTTL(2 + random.nextInt(9)).build());
      }
      case PUT_WITH_LEASE -> {
        PutRequest request = put(key, nextValue()).toBuilder().setLease(pickLease(random)).build();
        yield call(kind, kv::put, request);
      }
      case LEASE_REVOKE -> call(kind, lease::leaseRevoke,
          LeaseRevokeRequest.newBuilder().setID(pickLease(random)).build());
    };
  }

  /** Cancels every watch stream. */
  void closeWatches() {
    watches.forEach(WatchTestClient::close);
  }

  private String key(Random random) {
    return PREFIX + random.nextInt(keys);
  }

  private String nextValue() {
    return "v" + values.incrementAndGet();
  }

  private long pickLease(Random random) {
    return leaseIds.get(random.nextInt(leaseIds.size()));
  }

  /**
   * A compare-and-swap on {@code key}: put a new value if the compare holds, else read it. Values
   * and revisions compared with are recent ones (each write takes one), so that some swaps succeed.
   */
  private TxnRequest cas(Kind kind, String key, Random random) {
    Compare.Builder compare = Compare.newBuilder().setKey(bs(key))
        .setResult(Compare.CompareResult.EQUAL);
    switch (kind) {
      case TXN_CAS_VALUE -> compare.setTarget(Compare.CompareTarget.VALUE)
          .setValue(bs("v" + Math.max(0, values.get() - random.nextInt(2 * keys))));
      case TXN_CAS_VERSION -> compare.setTarget(Compare.CompareTarget.VERSION)
          .setVersion(random.nextInt(4));
      default -> compare.setTarget(Compare.CompareTarget.MOD)
          .setModRevision(Math.max(0, values.get() + 1 - random.nextInt(2 * keys)));
    }
    return TxnRequest.newBuilder().addCompare(compare).addSuccess(op(put(key, nextValue())))
        .addFailure(op(get(key))).build();
  }

  private CompletableFuture<?> watch(Kind kind, Channel channel, String key, Random random) {
    WatchCreateRequest.Builder create = random.nextBoolean() ? WatchTestClient.watch(key)
        : WatchTestClient.watch(PREFIX).setRangeEnd(bs(PREFIX_END));
    if (kind == Kind.WATCH_FROM_PAST) {
      create.setStartRevision(1 + random.nextInt(values.get() + 1)).setPrevKv(random.nextBoolean());
    }
    WatchTestClient watch = new WatchTestClient(channel);
    watches.add(watch);
    watch.create(create);
    tally.add("op", kind + " opened");
    return CompletableFuture.completedFuture(null);
  }

  private <Q, T> CompletableFuture<?> call(Kind kind, BiConsumer<Q, StreamObserver<T>> method,
      Q request) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    CompletableFuture<?> counted = answer.handle((response, failure) -> {
      tally.add("op", kind + " " + outcome(response, failure));
      if (failure != null) {
        Status status = Status.fromThrowable(failure);
        if (isServerFailure(status)) {
          serverErrors.add(kind + ": " + status);
        }
      }
      return null;
    });
    calls.add(counted);
    method.accept(request, Observers.into(answer));
    return counted;
  }

  /**
   * INTERNAL, or UNKNOWN without a description: what an exception escaping the server becomes.
   * etcd's own errors have descriptions, UNKNOWN ones too (e.g. "etcdserver: too many requests").
   */
  private static boolean isServerFailure(Status status) {
    return status.getCode() == Status.Code.INTERNAL
        || status.getCode() == Status.Code.UNKNOWN && status.getDescription() == null;
  }

  private static String outcome(Object response, Throwable failure) {
    if (failure != null) {
      return Status.fromThrowable(failure).getCode().name();
    }
    if (response instanceof TxnResponse txn) {
      return txn.getSucceeded() ? "ok-swapped" : "ok-compare-failed";
    }
    return "ok";
  }

  private <S extends AbstractStub<S>> S bounded(S stub) {
    return deadline == null ? stub
        : stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }
}
