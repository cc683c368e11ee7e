package dev.fakeetcd.internal.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrantResponse;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.LeaseRevokeResponse;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.ResponseOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.history.Operation.Outcome;
import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {

  private static final long MEMBER = 0x8e9e05c52164694dL;

  private final List<Operation> ops = new ArrayList<>();
  private final long[] storeRev = {1};

  @Test
  void check_sequentialHistory_passes() {
    put(1, 2, "a", "1", 2);
    get(3, 4, "a", 2, kv("a", "1", 2, 2, 1));
    put(5, 6, "a", "2", 3);
    get(7, 8, "a", 3, kv("a", "2", 2, 3, 2));
    delete(9, 10, "a", 4, 1);
    get(11, 12, "a", 4);

    assertThat(check()).isEmpty();
  }

  @Test
  void check_readOverlappingPut_mayShowEitherValue() {
    put(1, 2, "a", "1", 2);
    put(3, 10, "a", "2", 3);
    get(4, 9, "a", 2, kv("a", "1", 2, 2, 1));
    get(5, 8, "a", 3, kv("a", "2", 2, 3, 2));

    assertThat(check()).isEmpty();
  }

  @Test
  void check_searchBudgetSpent_saysItIsUndecided() {
    put(1, 2, "a", "1", 2);
    put(3, 4, "a", "2", 3);
    get(5, 6, "a", 3, kv("a", "2", 2, 3, 2));

    assertThat(LinearizabilityChecker.check(new HistoryLog(42, ops, List.of(), false), 1))
        .hasValueSatisfying(m -> assertThat(m).startsWith("history of seed 42 could not be"
            + " checked for linearizability: the search tried 1 steps"));
    assertThat(check()).isEmpty();
  }

  @Test
  void check_staleRead_failsNamingThePutAndTheRead() {
    put(1, 2, "a", "1", 2);
    put(3, 4, "a", "2", 3);
    get(5, 6, "a", 3, kv("a", "1", 2, 2, 1));

    String message = check().orElseThrow();

    assertThat(message).startsWith("history of seed 42 is not linearizable")
        .contains("  KV/Put #1 on member 8e9e05c52164694d", " #2 on member");
    assertThat(witnessIds(message)).containsExactly(1, 2);
  }

  @Test
  void check_lostWrite_fails() {
    put(1, 2, "a", "1", 2);
    put(3, 4, "b", "1", 3);
    get(5, 6, "a", 3);

    assertThat(witnessIds(check().orElseThrow())).containsExactly(0, 2);
  }

  @Test
  void check_twoWritesWithOneRevision_fail() {
    put(1, 4, "a", "1", 2);
    put(2, 3, "b", "1", 2);

    assertThat(check()).hasValueSatisfying(m -> assertThat(m)
        .contains("same new revision 2", "#0 on member", "#1 on member"));
  }

  @Test
  void check_revisionGoingBackInRealTime_fails() {
    put(1, 2, "a", "1", 2);
    get(3, 4, "b", 1);

    assertThat(check()).hasValueSatisfying(m -> assertThat(m)
        .contains("revision 1 was answered after revision 2", "#0 on member", "#1 on member"));
  }

  @Test
  void check_unansweredPutThatShowsUpLater_passes() {
    add(KVGrpc.getPutMethod().getFullMethodName(), putRequest("a", "1"), 1, Long.MAX_VALUE,
        Outcome.UNKNOWN, null, null);
    get(3, 4, "a", 2, kv("a", "1", 2, 2, 1));
    get(5, 6, "a", 2, kv("a", "1", 2, 2, 1));

    assertThat(check()).isEmpty();
  }

  @Test
  void check_failedPutThatNeverShows_passes() {
    add(KVGrpc.getPutMethod().getFullMethodName(), putRequest("a", "1"), 1, 2, Outcome.ERROR,
        null, Status.Code.UNAVAILABLE);
    get(3, 4, "a", 1);
    put(5, 6, "b", "1", 2);
    get(7, 8, "a", 2);

    assertThat(check()).isEmpty();
  }

  @Test
  void check_putRefusedAsInvalid_neverTakesEffect() {
    add(KVGrpc.getPutMethod().getFullMethodName(), putRequest("a", "1"), 1, 2, Outcome.ERROR,
        null, Status.Code.INVALID_ARGUMENT);
    get(3, 4, "a", 2, kv("a", "1", 2, 2, 1));

    assertThat(check()).isPresent();
  }

  @Test
  void check_compareAndSwapSucceedingTwiceOnOneValue_fails() {
    put(1, 2, "a", "1", 2);
    casPut(3, 6, "a", "1", "2", 3);
    casPut(4, 5, "a", "1", "3", 4);

    assertThat(witnessIds(check().orElseThrow())).contains(1, 2);
  }

  @Test
  void check_compareAndSwapOnceEach_passes() {
    put(1, 2, "a", "1", 2);
    casPut(3, 6, "a", "1", "2", 3);
    casPut(4, 8, "a", "2", "3", 4);

    assertThat(check()).isEmpty();
  }

  @Test
  void check_leaseRevokeDeletingAttachedKeys_passes() {
    grant(1, 2, 7, 1);
    add(KVGrpc.getPutMethod().getFullMethodName(), putRequest("a", "1").toBuilder()
        .setLease(7).build(), 3, 4, Outcome.OK, PutResponse.newBuilder().setHeader(header(2))
        .build(), null);
    put(5, 6, "b", "2", 3);
    add(LeaseGrpc.getLeaseRevokeMethod().getFullMethodName(),
        LeaseRevokeRequest.newBuilder().setID(7).build(), 7, 8, Outcome.OK,
        LeaseRevokeResponse.newBuilder().setHeader(header(4)).build(), null);
    range(9, 10, "a", "c", 4, kv("b", "2", 3, 3, 1));

    assertThat(check()).isEmpty();
  }

  @Test
  void check_leaseExpiringMidHistory_passes() {
    grant(1, 2, 7, 1);
    add(KVGrpc.getPutMethod().getFullMethodName(), putRequest("a", "1").toBuilder()
        .setLease(7).build(), 3, 4, Outcome.OK, PutResponse.newBuilder().setHeader(header(2))
        .build(), null);
    get(5, 6, "a", 2, kv("a", "1", 2, 2, 1).toBuilder().setLease(7).build());
    get(7, 8, "a", 3);
    put(9, 10, "b", "1", 4);

    assertThat(check()).isEmpty();
  }

  @Test
  void check_deleteRangeCountMismatch_fails() {
    put(1, 2, "a", "1", 2);
    put(3, 4, "b", "1", 3);
    add(KVGrpc.getDeleteRangeMethod().getFullMethodName(), DeleteRangeRequest.newBuilder()
        .setKey(bytes("a")).setRangeEnd(bytes("c")).build(), 5, 6, Outcome.OK,
        DeleteRangeResponse.newBuilder().setHeader(header(4)).setDeleted(1).build(), null);

    assertThat(witnessIds(check().orElseThrow())).contains(2);
  }

  @Test
  void check_staleSerializableRead_isNotJudged() {
    put(1, 2, "a", "1", 2);
    add(KVGrpc.getRangeMethod().getFullMethodName(), RangeRequest.newBuilder()
        .setKey(bytes("a")).setSerializable(true).build(), 3, 4, Outcome.OK,
        RangeResponse.newBuilder().setHeader(header(1)).build(), null);

    assertThat(check()).isEmpty();
  }

  @Test
  void check_compactionsAnsweredOrNot_areLeftOut() {
    put(1, 2, "a", "1", 2);
    add(KVGrpc.getCompactMethod().getFullMethodName(), CompactionRequest.newBuilder()
        .setRevision(2).build(), 3, 4, Outcome.OK, CompactionResponse.newBuilder()
        .setHeader(header(2)).build(), null);
    add(KVGrpc.getCompactMethod().getFullMethodName(), CompactionRequest.newBuilder()
        .setRevision(2).build(), 5, Long.MAX_VALUE, Outcome.UNKNOWN, null, null);
    put(6, 7, "a", "2", 3);
    get(8, 9, "a", 3, kv("a", "2", 2, 3, 2));

    assertThat(check()).isEmpty();
  }

  @Test
  void check_truncatedHistory_isRefused() {
    put(1, 2, "a", "1", 2);

    assertThatThrownBy(() -> LinearizabilityChecker.check(new HistoryLog(42, ops, List.of(),
        true))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
  }

  @Test
  void check_fiveThousandOperationsOfFiveClients_passes() {
    generate(new Random(1), 5000, 5, 10);

    long start = System.nanoTime();
    Optional<String> result = check();
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("LinearizabilityChecker: 5000 operations, 5 clients, 10 keys: " + millis
        + " ms");

    assertThat(result).isEmpty();
  }

  @Test
  void check_oneStaleReadAmongTwoHundred_reportsAtMostFourOperations() {
    TreeMap<String, KeyValue> store = generate(new Random(2), 198, 5, 10);
    long seq = ops.stream().mapToLong(Operation::completeSeq).max().orElseThrow() + 1;
    KeyValue old = store.firstEntry().getValue();
    long rev = storeRev[0];
    Operation latest = put(seq, seq + 1, old.getKey().toStringUtf8(), "new", rev + 1);
    Operation stale = get(seq + 2, seq + 3, old.getKey().toStringUtf8(), rev + 1, old);

    String message = check().orElseThrow();

    assertThat(witnessIds(message)).hasSizeLessThanOrEqualTo(4)
        .contains(latest.id(), stale.id());
  }

  @Test
  void check_callsOfFiveClientsToAThreeMemberCluster_pass() throws Exception {
    recordCallsToACluster();

    assertThat(ops).hasSize(5 * 60);
    assertThat(check()).isEmpty();
  }

  @Test
  void check_clusterHistoryWithOneReadAltered_fails() throws Exception {
    recordCallsToACluster();
    Operation read = ops.stream().filter(o -> o.response() instanceof RangeResponse r
        && r.getKvsCount() > 0 && o.id() > ops.size() / 2).findFirst().orElseThrow();
    RangeResponse seen = (RangeResponse) read.response();
    ops.set(read.id(), new Operation(read.id(), read.member(), read.method(), read.request(),
        read.invokeSeq(), read.invokeNanos(), read.completeSeq(), read.completeNanos(),
        Outcome.OK, seen.toBuilder().setKvs(0, seen.getKvs(0).toBuilder()
            .setVersion(seen.getKvs(0).getVersion() + 1)).build(), null, null));

    assertThat(witnessIds(check().orElseThrow())).contains(read.id());
  }

  /** Five clients' calls to a three-member cluster, with the intervals the clients saw. */
  private void recordCallsToACluster() throws InterruptedException {
    AtomicLong seq = new AtomicLong();
    try (EtcdCluster cluster = FakeEtcd.newCluster(ClusterConfig.builder().members(3).seed(7)
        .build())) {
      List<ManagedChannel> channels = new ArrayList<>();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 5; c++) {
        ManagedChannel channel = cluster.inProcessChannel(cluster.member(c % 3));
        channels.add(channel);
        Random random = new Random(c);
        long lease = 100 + c;
        clients.add(new Thread(() -> callRandomly(channel, random, lease, seq)));
      }
      clients.forEach(Thread::start);
      for (Thread t : clients) {
        t.join();
      }
      channels.forEach(ManagedChannel::shutdownNow);
    }
    ops.sort(Comparator.comparingLong(Operation::invokeSeq));
    List<Operation> numbered = new ArrayList<>();
    for (Operation o : ops) {
      numbered.add(new Operation(numbered.size(), o.member(), o.method(), o.request(),
          o.invokeSeq(), o.invokeNanos(), o.completeSeq(), o.completeNanos(), o.outcome(),
          o.response(), o.code(), o.error()));
    }
    ops.clear();
    ops.addAll(numbered);
  }

  /** Sixty calls of one client, each recorded with the interval the client saw. */
  private void callRandomly(ManagedChannel channel, Random random, long lease, AtomicLong seq) {
    for (int i = 0; i < 60; i++) {
      String key = "k" + random.nextInt(4);
      int kind = random.nextInt(10);
      Message request;
      io.grpc.MethodDescriptor<?, ?> method;
      if (kind < 3) {
        request = putRequest(key, "v" + seq.get()).toBuilder().setPrevKv(random.nextBoolean())
            .build();
        method = KVGrpc.getPutMethod();
      } else if (kind < 5) {
        request = RangeRequest.newBuilder().setKey(bytes(key)).build();
        method = KVGrpc.getRangeMethod();
      } else if (kind < 6) {
        request = RangeRequest.newBuilder().setKey(bytes("k")).setRangeEnd(bytes("l"))
            .setLimit(2).build();
        method = KVGrpc.getRangeMethod();
      } else if (kind < 7) {
        request = DeleteRangeRequest.newBuilder().setKey(bytes(key)).setPrevKv(true).build();
        method = KVGrpc.getDeleteRangeMethod();
      } else if (kind < 9) {
        request = TxnRequest.newBuilder().addCompare(Compare.newBuilder().setKey(bytes(key))
                .setTarget(Compare.CompareTarget.VERSION).setResult(Compare.CompareResult.EQUAL)
                .setVersion(random.nextInt(3)))
            .addSuccess(RequestOp.newBuilder().setRequestPut(putRequest(key, "t" + i)))
            .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder()
                .setKey(bytes(key))))
            .addFailure(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest
                .newBuilder().setKey(bytes(key)))).build();
        method = KVGrpc.getTxnMethod();
      } else if (i % 3 == 0) {
        request = LeaseGrantRequest.newBuilder().setID(lease).setTTL(60).build();
        method = LeaseGrpc.getLeaseGrantMethod();
      } else if (i % 3 == 1) {
        request = putRequest("k" + lease, "leased").toBuilder().setLease(lease).build();
        method = KVGrpc.getPutMethod();
      } else {
        request = LeaseRevokeRequest.newBuilder().setID(lease).build();
        method = LeaseGrpc.getLeaseRevokeMethod();
      }
      long invoke = seq.incrementAndGet();
      Message response = null;
      Status.Code code = null;
      try {
        response = (Message) ClientCalls.blockingUnaryCall(channel, cast(method),
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
      } catch (StatusRuntimeException e) {
        code = e.getStatus().getCode();
      }
      long complete = seq.incrementAndGet();
      synchronized (ops) {
        ops.add(new Operation(ops.size(), MEMBER, method.getFullMethodName(), request, invoke,
            invoke, complete, complete, code == null ? Outcome.OK : Outcome.ERROR, response,
            code, code == null ? null : "failed"));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static io.grpc.MethodDescriptor<Message, Object> cast(io.grpc.MethodDescriptor<?, ?> m) {
    return (io.grpc.MethodDescriptor<Message, Object>) m;
  }

  // ---- a correct history, made by clients of a sequential store ----

  /** Clients calling put, get and delete on a store that applies each inside its interval. */
  private TreeMap<String, KeyValue> generate(Random random, int count, int clients, int keys) {
    TreeMap<String, KeyValue> store = new TreeMap<>();
    long[] rev = storeRev;
    Operation[] pending = new Operation[clients];
    Message[] answer = new Message[clients];
    long seq = ops.isEmpty() ? 1 : ops.get(ops.size() - 1).completeSeq() + 1;
    int started = 0;
    while (started < count || Arrays.stream(pending).anyMatch(p -> p != null)) {
      int c = random.nextInt(clients);
      seq++;
      if (pending[c] == null) {
        if (started == count) {
          continue;
        }
        started++;
        String key = "k" + random.nextInt(keys);
        int kind = random.nextInt(10);
        // Puts, reads of one key, deletes, and reads of all keys (which join every key's part).
        pending[c] = kind < 4 ? op(KVGrpc.getPutMethod().getFullMethodName(),
            putRequest(key, "v" + seq), seq) : kind < 8 ? op(KVGrpc.getRangeMethod()
            .getFullMethodName(), RangeRequest.newBuilder().setKey(bytes(key)).build(), seq)
            : kind < 9 ? op(KVGrpc.getDeleteRangeMethod().getFullMethodName(),
                DeleteRangeRequest.newBuilder().setKey(bytes(key)).build(), seq)
            : op(KVGrpc.getRangeMethod().getFullMethodName(), RangeRequest.newBuilder()
                .setKey(bytes("k")).setRangeEnd(bytes("l")).build(), seq);
        ops.add(pending[c]);
      } else if (answer[c] == null) {
        answer[c] = apply(store, rev, pending[c].request());
      } else {
        Operation p = pending[c];
        ops.set(p.id(), new Operation(p.id(), p.member(), p.method(), p.request(),
            p.invokeSeq(), p.invokeNanos(), seq, seq * 1000, Outcome.OK, answer[c], null, null));
        pending[c] = null;
        answer[c] = null;
      }
    }
    return store;
  }

  private Operation op(String method, Message request, long seq) {
    return new Operation(ops.size(), MEMBER, method, request, seq, seq * 1000, Long.MAX_VALUE,
        Long.MAX_VALUE, Outcome.UNKNOWN, null, null, null);
  }

  private static Message apply(TreeMap<String, KeyValue> store, long[] rev, Message request) {
    if (request instanceof PutRequest p) {
      KeyValue old = store.get(p.getKey().toStringUtf8());
      rev[0]++;
      store.put(p.getKey().toStringUtf8(), kv(p.getKey().toStringUtf8(),
          p.getValue().toStringUtf8(), old == null ? rev[0] : old.getCreateRevision(), rev[0],
          old == null ? 1 : old.getVersion() + 1));
      return PutResponse.newBuilder().setHeader(header(rev[0])).build();
    }
    if (request instanceof DeleteRangeRequest d) {
      boolean deleted = store.remove(d.getKey().toStringUtf8()) != null;
      rev[0] += deleted ? 1 : 0;
      return DeleteRangeResponse.newBuilder().setHeader(header(rev[0]))
          .setDeleted(deleted ? 1 : 0).build();
    }
    RangeRequest range = (RangeRequest) request;
    List<KeyValue> kvs = range.getRangeEnd().isEmpty()
        ? store.containsKey(range.getKey().toStringUtf8())
            ? List.of(store.get(range.getKey().toStringUtf8())) : List.of()
        : List.copyOf(store.subMap(range.getKey().toStringUtf8(),
            range.getRangeEnd().toStringUtf8()).values());
    return RangeResponse.newBuilder().setHeader(header(rev[0])).addAllKvs(kvs)
        .setCount(kvs.size()).build();
  }

  // ---- hand-made histories ----

  private Optional<String> check() {
    return LinearizabilityChecker.check(new HistoryLog(42, ops, List.of(), false));
  }

  /** The operation ids a violation message lists, in order. */
  private static List<Integer> witnessIds(String message) {
    List<Integer> ids = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^  \\S+ #(\\d+) on member").matcher(message);
    while (m.find()) {
      ids.add(Integer.parseInt(m.group(1)));
    }
    return ids;
  }

  private Operation add(String method, Message request, long invoke, long complete,
      Outcome outcome, Message response, Status.Code code) {
    Operation op = new Operation(ops.size(), MEMBER, method, request, invoke, invoke * 1000,
        complete, complete == Long.MAX_VALUE ? Long.MAX_VALUE : complete * 1000, outcome,
        response, code, code == null ? null : "etcdserver: " + code);
    ops.add(op);
    return op;
  }

  private Operation put(long invoke, long complete, String key, String value, long rev) {
    return add(KVGrpc.getPutMethod().getFullMethodName(), putRequest(key, value), invoke,
        complete, Outcome.OK, PutResponse.newBuilder().setHeader(header(rev)).build(), null);
  }

  private Operation get(long invoke, long complete, String key, long rev, KeyValue... kvs) {
    return range(invoke, complete, key, "", rev, kvs);
  }

  private Operation range(long invoke, long complete, String key, String end, long rev,
      KeyValue... kvs) {
    return add(KVGrpc.getRangeMethod().getFullMethodName(), RangeRequest.newBuilder()
        .setKey(bytes(key)).setRangeEnd(bytes(end)).build(), invoke, complete, Outcome.OK,
        RangeResponse.newBuilder().setHeader(header(rev)).addAllKvs(List.of(kvs))
            .setCount(kvs.length).build(), null);
  }

  private void delete(long invoke, long complete, String key, long rev, long deleted) {
    add(KVGrpc.getDeleteRangeMethod().getFullMethodName(), DeleteRangeRequest.newBuilder()
        .setKey(bytes(key)).build(), invoke, complete, Outcome.OK, DeleteRangeResponse
        .newBuilder().setHeader(header(rev)).setDeleted(deleted).build(), null);
  }

  /** If {@code key}'s value is {@code expected}, put {@code value}; answered as succeeded. */
  private void casPut(long invoke, long complete, String key, String expected, String value,
      long rev) {
    TxnRequest txn = TxnRequest.newBuilder().addCompare(Compare.newBuilder()
            .setKey(bytes(key)).setTarget(Compare.CompareTarget.VALUE)
            .setResult(Compare.CompareResult.EQUAL).setValue(bytes(expected)))
        .addSuccess(RequestOp.newBuilder().setRequestPut(putRequest(key, value))).build();
    TxnResponse answer = TxnResponse.newBuilder().setHeader(header(rev)).setSucceeded(true)
        .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder()
            .setHeader(ResponseHeader.newBuilder().setRevision(rev)))).build();
    add(KVGrpc.getTxnMethod().getFullMethodName(), txn, invoke, complete, Outcome.OK, answer,
        null);
  }

  private void grant(long invoke, long complete, long id, long rev) {
    add(LeaseGrpc.getLeaseGrantMethod().getFullMethodName(), LeaseGrantRequest.newBuilder()
        .setTTL(5).setID(id).build(), invoke, complete, Outcome.OK, LeaseGrantResponse
        .newBuilder().setHeader(header(rev)).setID(id).setTTL(5).build(), null);
  }

  private static PutRequest putRequest(String key, String value) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
  }

  private static KeyValue kv(String key, String value, long create, long mod, long version) {
    return KeyValue.newBuilder().setKey(bytes(key)).setValue(bytes(value))
        .setCreateRevision(create).setModRevision(mod).setVersion(version).build();
  }

  private static ResponseHeader header(long rev) {
    return ResponseHeader.newBuilder().setMemberId(MEMBER).setRevision(rev).build();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
