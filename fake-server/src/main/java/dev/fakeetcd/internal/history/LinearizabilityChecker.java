package dev.fakeetcd.internal.history;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.KVGrpc;
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
import dev.fakeetcd.api.ResponseOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.history.KvModel.Role;
import dev.fakeetcd.internal.history.Operation.Outcome;
import dev.fakeetcd.internal.history.Step.Kind;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Whether a recorded history of key-value calls is linearizable under etcd's model: one store
 * revision (1 on a fresh store, one more for every request that changes a key), and per key its
 * value, create and mod revisions, version and lease. Answers are judged in full: header
 * revisions, Range {@code kvs}/{@code count}/{@code more} (limit, keys_only, count_only, ranges;
 * of a sorted or filtered range only that each key shown is live and as stored), Put
 * {@code prev_kv}, DeleteRange {@code deleted}/{@code prev_kvs}, Txn {@code succeeded} and the
 * nested answers with their revisions. LeaseRevoke deletes the lease's keys in one revision,
 * and every lease may expire (the same, without a call) at any time after its grant.
 *
 * <p>Left out: serializable reads (not linearizable by design; see SerializableReadChecker), the
 * kvs of reads at a past revision (only their header revision is judged), Compact and the errors
 * of compaction, lease existence (a put with a lease is not checked against grants), and calls
 * of other services. The history must begin at a fresh store, with every key-value write in it
 * (the requests Lock and Election make through the member's own client are recorded as calls).
 * Failed reads are dropped; a write that failed with an error etcd answers before applying
 * (invalid argument, not found, failed precondition, out of range, permission, quota) never took
 * effect; any other unanswered or failed write may take effect once, any time after its call.
 *
 * <p>The search is Wing and Gong's with Lowe's memoisation ({@link LinearSearch}), taking
 * answered operations only at the place their revisions give them. It runs per partition:
 * operations are joined when their key sets meet (a range touches every key written in the
 * history that it covers; a lease revoke or expiry every key ever put with that lease), and a
 * partition is checked against the model with the revision as a lower bound (writes of other
 * partitions may come in between: a write's new revision must exceed it, a read's header must
 * reach it). That is sound: a linearization of the whole history, cut down to one partition, is
 * one of that partition, since only its operations touch its keys and the global revision only
 * grows. What the cut loses is checked over the whole history: answered writes have distinct
 * revisions, an operation that begins after another ended does not see an older revision (and a
 * write a newer one), and every revision up to the highest seen is made by some write. When one
 * partition holds every write, it is checked with the exact revision instead.
 *
 * <p>A violation names the seed and a witness: the fewest answered operations found that still
 * cannot be ordered, each with its id, member, method, request, interval (sequence numbers and
 * virtual seconds), outcome, revision and answer. It comes from the failing partition by leaving
 * reads out, keeping one failing key-disjoint part of what is left, and letting answered writes
 * take effect or not (at their own place and revision, answers unchecked), each only while the
 * rest still fails and within a search budget. None of these can create a violation (a read only
 * constrains, a part fails only if the whole does, the relaxed write allows more than it did), so
 * the history really is at fault. When only the exact revision count fails, the partition's
 * operations are listed unshrunk.
 */
public final class LinearizabilityChecker {

  private static final String PUT = KVGrpc.getPutMethod().getFullMethodName();
  private static final String RANGE = KVGrpc.getRangeMethod().getFullMethodName();
  private static final String DELETE = KVGrpc.getDeleteRangeMethod().getFullMethodName();
  private static final String TXN = KVGrpc.getTxnMethod().getFullMethodName();
  private static final String GRANT = LeaseGrpc.getLeaseGrantMethod().getFullMethodName();
  private static final String REVOKE = LeaseGrpc.getLeaseRevokeMethod().getFullMethodName();

  /** Errors etcd returns before a write is applied (or instead of applying it). */
  static final Set<Status.Code> NOT_APPLIED = EnumSet.of(Status.Code.INVALID_ARGUMENT,
      Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE,
      Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED,
      Status.Code.RESOURCE_EXHAUSTED);

  /**
   * Model steps one check may try, over all its partitions: enough for thousands of operations
   * (a 5,000-call history takes well under a million), and a bound on the search's worst case,
   * exponential in the writes left unanswered on the same keys. Counted, so the verdict is the
   * same on every machine.
   */
  static final long SEARCH_BUDGET = 20_000_000;

  private LinearizabilityChecker() {}

  /** The search ran out of {@link #SEARCH_BUDGET} before it found an order or ruled all out. */
  private static final class Undecided extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Undecided() {
      super(null, null, false, false);
    }
  }

  /**
   * Checks a history.
   *
   * @return empty when linearizable, else a message naming the seed and a witness, or saying that
   *     the search gave up undecided
   * @throws IllegalArgumentException if the history was truncated (it cannot be judged)
   */
  public static Optional<String> check(HistoryLog log) {
    return check(log, SEARCH_BUDGET);
  }

  static Optional<String> check(HistoryLog log, long searchBudget) {
    try {
      return checkWithin(log, new long[] {searchBudget});
    } catch (Undecided e) {
      return Optional.of("history of seed " + log.seed() + " could not be checked for"
          + " linearizability: the search tried " + searchBudget + " steps without finding an"
          + " order or ruling every order out (many writes that failed or were never answered, on"
          + " keys that reads cover, make it exponential); it is not known to be linearizable");
    }
  }

  private static Optional<String> checkWithin(HistoryLog log, long[] budget) {
    if (log.truncated()) {
      throw new IllegalArgumentException("the history of seed " + log.seed()
          + " was truncated when the recorder reached its bound; it cannot be judged");
    }
    List<Step> steps = steps(log.operations());
    Optional<String> global = revisions(log.operations(), steps);
    if (global.isPresent()) {
      return global.map(m -> header(log) + m);
    }
    List<Group> groups = partitions(steps);
    long writers = groups.stream().filter(g -> !g.keyless)
        .mapToLong(g -> g.steps.stream().filter(i -> steps.get(i).writes()).count()).sum();
    for (Group g : groups) {
      boolean exact = !g.keyless
          && g.steps.stream().filter(i -> steps.get(i).writes()).count() == writers;
      Optional<String> bad =
          checkPartition(g.steps.stream().map(steps::get).toList(), exact, budget);
      if (bad.isPresent()) {
        return bad.map(m -> header(log) + m);
      }
    }
    return Optional.empty();
  }

  private static String header(HistoryLog log) {
    return "history of seed " + log.seed() + " is not linearizable: ";
  }

  // ---- reading the log ----

  private static List<Step> steps(List<Operation> ops) {
    List<Step> steps = new ArrayList<>();
    Map<Long, Long> granted = new HashMap<>(); // lease -> earliest grant invocation
    Set<Long> leased = new TreeSet<>();
    for (Operation op : ops) {
      Step s = step(op);
      if (s == null) {
        continue;
      }
      steps.add(s);
      if (s.kind() == Kind.GRANT) {
        long id = s.answered() ? ((LeaseGrantResponse) s.response()).getID()
            : ((LeaseGrantRequest) s.request()).getID();
        granted.merge(id, s.invokeSeq(), Math::min);
      }
      forEachPut(s, p -> {
        if (p.getLease() != 0) {
          leased.add(p.getLease());
        }
      });
    }
    for (long lease : leased) {
      steps.add(new Step(null, Kind.EXPIRE, null, null, lease,
          granted.getOrDefault(lease, Long.MIN_VALUE), Long.MAX_VALUE, -1, false));
    }
    return steps;
  }

  private static Step step(Operation op) {
    String m = op.method();
    Kind kind = m.equals(PUT) ? Kind.PUT : m.equals(RANGE) ? Kind.RANGE
        : m.equals(DELETE) ? Kind.DELETE : m.equals(TXN) ? Kind.TXN
        : m.equals(GRANT) ? Kind.GRANT : m.equals(REVOKE) ? Kind.REVOKE : null;
    if (kind == null) {
      return null;
    }
    boolean reads = kind == Kind.RANGE || kind == Kind.TXN && readOnly((TxnRequest) op.request());
    if (kind == Kind.RANGE && ((RangeRequest) op.request()).getSerializable()
        || kind == Kind.TXN && reads && serializable((TxnRequest) op.request())) {
      return null;
    }
    long lease = kind == Kind.REVOKE ? ((LeaseRevokeRequest) op.request()).getID() : 0;
    if (op.outcome() != Outcome.OK) {
      if (reads || op.outcome() == Outcome.ERROR && NOT_APPLIED.contains(op.code())) {
        return null;
      }
      return new Step(op, kind, op.request(), null, lease, op.invokeSeq(), Long.MAX_VALUE, -1,
          false);
    }
    long rev = switch (kind) {
      case RANGE -> ((RangeResponse) op.response()).getHeader().getRevision();
      case PUT -> ((PutResponse) op.response()).getHeader().getRevision();
      case DELETE -> ((DeleteRangeResponse) op.response()).getHeader().getRevision();
      case TXN -> ((TxnResponse) op.response()).getHeader().getRevision();
      case GRANT -> ((LeaseGrantResponse) op.response()).getHeader().getRevision();
      case REVOKE -> ((LeaseRevokeResponse) op.response()).getHeader().getRevision();
      case EXPIRE -> throw new AssertionError();
    };
    boolean bump = switch (kind) {
      case PUT -> true;
      case DELETE -> ((DeleteRangeResponse) op.response()).getDeleted() > 0;
      case TXN -> wrote(((TxnResponse) op.response()).getResponsesList());
      default -> false;
    };
    return new Step(op, kind, op.request(), op.response(), lease, op.invokeSeq(),
        op.completeSeq(), rev, bump);
  }

  /** Whether etcd serves the txn without raft: every op of both branches is a Range. */
  static boolean readOnly(TxnRequest t) {
    return t.getSuccessList().stream().allMatch(RequestOp::hasRequestRange)
        && t.getFailureList().stream().allMatch(RequestOp::hasRequestRange);
  }

  /** Whether etcd serves a read-only txn locally: every Range in it is serializable. */
  private static boolean serializable(TxnRequest t) {
    return t.getSuccessList().stream().allMatch(o -> o.getRequestRange().getSerializable())
        && t.getFailureList().stream().allMatch(o -> o.getRequestRange().getSerializable());
  }

  private static boolean wrote(List<ResponseOp> rs) {
    for (ResponseOp r : rs) {
      if (r.hasResponsePut() || r.hasResponseDeleteRange()
          && r.getResponseDeleteRange().getDeleted() > 0
          || r.hasResponseTxn() && wrote(r.getResponseTxn().getResponsesList())) {
        return true;
      }
    }
    return false;
  }

  private static void forEachPut(Step s, Consumer<PutRequest> f) {
    if (s.kind() == Kind.PUT) {
      f.accept((PutRequest) s.request());
    } else if (s.kind() == Kind.TXN) {
      forEachPut((TxnRequest) s.request(), f);
    }
  }

  private static void forEachPut(TxnRequest t, Consumer<PutRequest> f) {
    for (List<RequestOp> ops : List.of(t.getSuccessList(), t.getFailureList())) {
      for (RequestOp o : ops) {
        if (o.hasRequestPut()) {
          f.accept(o.getRequestPut());
        } else if (o.hasRequestTxn()) {
          forEachPut(o.getRequestTxn(), f);
        }
      }
    }
  }

  /** Every key range the step reads, compares or writes, as (key, range_end). */
  private static void forEachRange(Step s, BiConsumer<ByteString, ByteString> f) {
    switch (s.kind()) {
      case RANGE -> {
        RangeRequest r = (RangeRequest) s.request();
        f.accept(r.getKey(), r.getRangeEnd());
      }
      case PUT -> f.accept(((PutRequest) s.request()).getKey(), ByteString.EMPTY);
      case DELETE -> {
        DeleteRangeRequest d = (DeleteRangeRequest) s.request();
        f.accept(d.getKey(), d.getRangeEnd());
      }
      case TXN -> forEachRange((TxnRequest) s.request(), f);
      default -> { }
    }
  }

  private static void forEachRange(TxnRequest t, BiConsumer<ByteString, ByteString> f) {
    for (Compare c : t.getCompareList()) {
      f.accept(c.getKey(), c.getRangeEnd());
    }
    for (List<RequestOp> ops : List.of(t.getSuccessList(), t.getFailureList())) {
      for (RequestOp o : ops) {
        switch (o.getRequestCase()) {
          case REQUEST_RANGE -> f.accept(o.getRequestRange().getKey(),
              o.getRequestRange().getRangeEnd());
          case REQUEST_PUT -> f.accept(o.getRequestPut().getKey(), ByteString.EMPTY);
          case REQUEST_DELETE_RANGE -> f.accept(o.getRequestDeleteRange().getKey(),
              o.getRequestDeleteRange().getRangeEnd());
          case REQUEST_TXN -> forEachRange(o.getRequestTxn(), f);
          default -> { }
        }
      }
    }
  }

  // ---- checks over the whole history ----

  private static Optional<String> revisions(List<Operation> ops, List<Step> steps) {
    List<Step> answered = steps.stream().filter(Step::answered).toList();
    Map<Long, Step> byRev = new HashMap<>();
    for (Step s : answered) {
      if (s.bump()) {
        Step other = byRev.putIfAbsent(s.rev(), s);
        if (other != null) {
          return Optional.of("two writes answered with the same new revision " + s.rev()
              + "\n" + describe(other) + "\n" + describe(s));
        }
      }
    }
    // An operation begun after another ended sees at least its revision (a write a newer one).
    List<Step> byInvoke = answered.stream()
        .sorted(Comparator.comparingLong(Step::invokeSeq)).toList();
    List<Step> byComplete = answered.stream()
        .sorted(Comparator.comparingLong(Step::returnSeq)).toList();
    Step highest = null;
    int c = 0;
    for (Step b : byInvoke) {
      while (c < byComplete.size() && byComplete.get(c).returnSeq() < b.invokeSeq()) {
        Step a = byComplete.get(c++);
        if (highest == null || a.rev() > highest.rev()) {
          highest = a;
        }
      }
      if (highest != null && (b.rev() < highest.rev() || b.bump() && b.rev() == highest.rev())) {
        return Optional.of("revision " + b.rev() + " was answered after revision "
            + highest.rev() + " had been (" + (b.bump() ? "a write needs a newer one" : "a read "
            + "cannot see an older store") + ")\n" + describe(highest) + "\n" + describe(b));
      }
    }
    // Every revision up to the highest answered was made by some write.
    Step top = answered.stream().max(Comparator.comparingLong(Step::rev)).orElse(null);
    if (top == null) {
      return Optional.empty();
    }
    long couldWrite = steps.stream().filter(s -> s.writes()
        && (!s.answered() || s.kind() == Kind.REVOKE)).count();
    List<Long> missing = new ArrayList<>();
    for (long r = 2; r <= top.rev(); r++) {
      if (!byRev.containsKey(r)) {
        missing.add(r);
      }
    }
    if (missing.size() > couldWrite) {
      return Optional.of(missing.size() + " revisions up to " + top.rev()
          + " were made by no answered write, but only " + couldWrite
          + " writes (unanswered ones, lease revokes and expiries) could have made them: "
          + (missing.size() > 10 ? missing.subList(0, 10) + "..." : missing) + "\n"
          + describe(top));
    }
    return Optional.empty();
  }

  // ---- partitions ----

  /** Step indexes of one partition, in step order; keyless if they touch no written key. */
  private record Group(List<Integer> steps, boolean keyless) {}

  /** The steps grouped by connected key sets. */
  private static List<Group> partitions(List<Step> steps) {
    NavigableSet<ByteString> written = new TreeSet<>(KvModel.KEY_ORDER);
    Map<Long, Set<ByteString>> byLease = new HashMap<>();
    for (Step s : steps) {
      forEachPut(s, p -> {
        written.add(p.getKey());
        if (p.getLease() != 0) {
          byLease.computeIfAbsent(p.getLease(), l -> new HashSet<>()).add(p.getKey());
        }
      });
    }
    Map<ByteString, Integer> index = new HashMap<>();
    for (ByteString k : written) {
      index.put(k, index.size());
    }
    int[] parent = new int[index.size()];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    int[] first = new int[steps.size()];
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      List<ByteString> keys = new ArrayList<>();
      if (s.kind() == Kind.REVOKE || s.kind() == Kind.EXPIRE) {
        keys.addAll(byLease.getOrDefault(s.lease(), Set.of()));
      } else {
        forEachRange(s, (key, end) -> keys.addAll(covered(written, key, end)));
      }
      first[i] = keys.isEmpty() ? -1 : index.get(keys.get(0));
      for (ByteString k : keys) {
        union(parent, first[i], index.get(k));
      }
    }
    Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).kind() == Kind.GRANT) {
        continue; // touches no key; its revision is judged with the whole history
      }
      int root = first[i] < 0 ? -1 - i : find(parent, first[i]);
      groups.computeIfAbsent(root, r -> new ArrayList<>()).add(i);
    }
    return groups.entrySet().stream().map(e -> new Group(e.getValue(), e.getKey() < 0)).toList();
  }

  private static Set<ByteString> covered(NavigableSet<ByteString> written, ByteString key,
      ByteString end) {
    if (end.isEmpty()) {
      return written.contains(key) ? Set.of(key) : Set.of();
    }
    if (end.equals(KvModel.NUL)) {
      return written.tailSet(key, true);
    }
    return KvModel.KEY_ORDER.compare(end, key) <= 0 ? Set.of()
        : written.subSet(key, true, end, false);
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int a, int b) {
    parent[find(parent, a)] = find(parent, b);
  }

  private static Optional<String> checkPartition(List<Step> steps, boolean exact, long[] budget) {
    Role[] roles = new Role[steps.size()];
    for (int i = 0; i < roles.length; i++) {
      roles[i] = steps.get(i).answered() ? Role.CHECKED : Role.OPEN;
    }
    if (decided(LinearSearch.linearizable(steps, roles, new KvModel(exact), budget))) {
      return Optional.empty();
    }
    KvModel relaxed = new KvModel(false);
    if (exact && decided(LinearSearch.linearizable(steps, roles, relaxed, budget))) {
      return Optional.of("these operations cannot be ordered so that every write raises the "
          + "revision by exactly one" + list(steps, roles, 30));
    }
    Witness w = shrink(steps, roles, relaxed);
    long others = Arrays.stream(w.roles).filter(r -> r == Role.GHOST || r == Role.OPEN).count();
    StringBuilder why = new StringBuilder("these operations cannot be put in one order that "
        + "agrees with their intervals and etcd's key-value model");
    if (others > 0) {
      why.append(", whatever ").append(others).append(" other writes of these keys did (an "
          + "answered one at its own revision, or not at all)");
    }
    return Optional.of(why + list(w.steps, w.roles, Integer.MAX_VALUE));
  }

  private static boolean decided(Boolean linearizable) {
    if (linearizable == null) {
      throw new Undecided();
    }
    return linearizable;
  }

  /** A sub-history that cannot be linearized, each step in its role. */
  private record Witness(List<Step> steps, Role[] roles) {}

  /**
   * A witness: leaves reads out; keeps one failing part of what then splits into key-disjoint
   * parts; sets writes' answers aside; lets them take effect or not. Each change is kept only
   * while the rest still cannot be linearized (within a search budget), and none can create a
   * violation: a read only constrains, a part fails only if the whole does, and a write without
   * its answer, or that may not happen, allows more than it did.
   */
  private static Witness shrink(List<Step> steps, Role[] roles, KvModel model) {
    Shrink s = new Shrink(model, new long[] {SHRINK_BUDGET});
    s.relax(steps, roles, i -> !steps.get(i).writes(), Role.CHECKED, null);
    Witness w = s.narrow(steps, roles);
    s.relax(w.steps, w.roles, i -> w.steps.get(i).writes(), Role.CHECKED, Role.EFFECT);
    s.relax(w.steps, w.roles, i -> true, Role.EFFECT, Role.GHOST);
    s.relax(w.steps, w.roles, i -> !w.steps.get(i).writes(), Role.CHECKED, null);
    return w;
  }

  /** Model steps all of one witness's searches may take; each search gets a share. */
  private static final long SHRINK_BUDGET = 500_000;

  /** Shrinking searches, sharing one budget: when it is spent, what is left is the witness. */
  private record Shrink(KvModel model, long[] budget) {

    /** Whether the steps surely cannot be linearized. */
    boolean fails(List<Step> steps, Role[] roles) {
      long share = Math.min(budget[0], 20_000 + 20L * steps.size());
      long[] left = {share};
      Boolean ok = LinearSearch.linearizable(steps, roles, model, left);
      budget[0] -= share - Math.max(0, left[0]);
      return Boolean.FALSE.equals(ok);
    }

    /** The first key-disjoint part of the steps left in that still fails on its own. */
    Witness narrow(List<Step> steps, Role[] roles) {
      List<Integer> kept = new ArrayList<>();
      for (int i = 0; i < roles.length; i++) {
        if (roles[i] != null) {
          kept.add(i);
        }
      }
      List<Step> left = kept.stream().map(steps::get).toList();
      for (Group g : partitions(left)) {
        List<Step> part = g.steps.stream().map(left::get).toList();
        Role[] partRoles = g.steps.stream().map(i -> roles[kept.get(i)]).toArray(Role[]::new);
        if (fails(part, partRoles)) {
          return new Witness(part, partRoles);
        }
      }
      return new Witness(steps, roles);
    }

    /**
     * Moves candidate steps from one role to another (null: left out), in halving chunks, each
     * only while the steps still cannot be linearized.
     */
    void relax(List<Step> steps, Role[] roles, IntPredicate candidate,
        Role from, Role to) {
      List<Integer> candidates = new ArrayList<>();
      for (int i = 0; i < roles.length; i++) {
        if (roles[i] == from && candidate.test(i)) {
          candidates.add(i);
        }
      }
      for (int size = Integer.highestOneBit(Math.max(1, candidates.size())); size >= 1;
          size /= 2) {
        for (int at = 0; at < candidates.size(); at += size) {
          List<Integer> chunk = candidates.subList(at, Math.min(at + size, candidates.size()))
              .stream().filter(i -> roles[i] == from).toList();
          chunk.forEach(i -> roles[i] = to);
          if (!chunk.isEmpty() && !fails(steps, roles)) {
            chunk.forEach(i -> roles[i] = from);
          }
        }
      }
    }
  }

  private static String list(List<Step> steps, Role[] roles, int max) {
    StringBuilder b = new StringBuilder();
    int shown = 0;
    for (int i = 0; i < steps.size(); i++) {
      if (roles[i] == Role.CHECKED || roles[i] == Role.EFFECT) {
        if (shown++ == max) {
          b.append("\n  ...");
          break;
        }
        b.append('\n').append(describe(steps.get(i)));
        if (roles[i] == Role.EFFECT) {
          b.append(" (its answer is not needed)");
        }
      }
    }
    return b.toString();
  }

  // ---- messages ----

  /** One operation: id, member, method, request and answer, interval, outcome, revision. */
  static String describe(Step s) {
    Operation op = s.op();
    if (op == null) {
      return "  expiry of lease " + s.lease() + " (no call; may happen any time after its grant)";
    }
    StringBuilder b = new StringBuilder("  ").append(Describe.operation(op)).append(" {")
        .append(TextFormat.shortDebugString(op.request())).append('}');
    switch (op.outcome()) {
      case OK -> b.append(", OK rev ").append(s.rev()).append(" {")
          .append(TextFormat.shortDebugString(withoutHeader(op.response()))).append('}');
      case ERROR -> b.append(", ERROR ").append(op.code()).append(": ").append(op.error());
      case UNKNOWN -> b.append(", never answered");
    }
    return b.toString();
  }

  private static Message withoutHeader(Message m) {
    FieldDescriptor header = m.getDescriptorForType().findFieldByName("header");
    return header == null ? m : m.toBuilder().clearField(header).build();
  }
}
