package dev.fakeetcd.internal.history;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.ResponseOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * etcd's key-value store as the linearizability check replays it: the store revision and the live
 * keys with their metadata, and what each operation does to them and must have answered.
 *
 * <p>In exact mode the revision is the store's: every write that changes something raises it by
 * one. In relaxed mode (a sub-history of one partition) writes of other partitions may fall in
 * between, so the revision is a lower bound: a write's new revision must exceed it, a read's must
 * reach it. A write whose revision is unknown (an operation without answer) stores create and mod
 * revisions as {@code -n}, "unknown, at least n"; the first read that shows them fixes them.
 */
final class KvModel {

  static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();
  /** As a range end: every key from the start on. */
  static final ByteString NUL = ByteString.copyFrom(new byte[] {0});

  /** How the search treats an operation. */
  enum Role {
    /** Answered: takes effect once, inside its interval, and its answer must match. */
    CHECKED,
    /**
     * Answered, with its answer set aside while shrinking a witness: takes effect at its place
     * (inside its interval, at its revision), whatever it answered.
     */
    EFFECT,
    /** Like {@link #EFFECT}, or it does not take effect at all. */
    GHOST,
    /** Never answered (or failed in a way that may still have applied): may take effect once. */
    OPEN
  }

  /** A live key. Revisions below zero are unknown lower bounds (see the class comment). */
  record Kv(ByteString key, ByteString value, long create, long mod, long version, long lease) {}

  /** The store at one point of a linearization; immutable. */
  static final class State {
    final long rev;
    final Kv[] kvs;
    private final int hash;

    State(long rev, Kv[] kvs) {
      this.rev = rev;
      this.kvs = kvs;
      this.hash = 31 * Long.hashCode(rev) + Arrays.hashCode(kvs);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof State s && s.hash == hash && s.rev == rev && Arrays.equals(s.kvs, kvs);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    int indexOf(ByteString key) {
      return Arrays.binarySearch(kvs, new Kv(key, null, 0, 0, 0, 0),
          (a, b) -> KEY_ORDER.compare(a.key, b.key));
    }

    Kv get(ByteString key) {
      int i = indexOf(key);
      return i >= 0 ? kvs[i] : null;
    }

    /** Indexes [from, to) of the live keys in etcd's range {@code key..rangeEnd}. */
    int[] select(ByteString key, ByteString rangeEnd) {
      int from = indexOf(key);
      if (rangeEnd.isEmpty()) {
        return from >= 0 ? new int[] {from, from + 1} : new int[] {0, 0};
      }
      from = from >= 0 ? from : -from - 1;
      if (rangeEnd.equals(NUL)) {
        return new int[] {from, kvs.length};
      }
      if (KEY_ORDER.compare(rangeEnd, key) <= 0) {
        return new int[] {0, 0};
      }
      int to = indexOf(rangeEnd);
      to = to >= 0 ? to : -to - 1;
      return new int[] {from, to};
    }
  }

  static final State INITIAL = new State(1, new Kv[0]);

  private final boolean exact;

  KvModel(boolean exact) {
    this.exact = exact;
  }

  /**
   * The states the step may lead to (a ghost's first is "no effect"; an open transaction whose
   * compare cannot be decided has both branches); empty when it cannot happen here. An open
   * operation without a next state here may still never happen: the search does not require it.
   */
  List<State> step(State s, Step op, Role role) {
    List<State> next = new ArrayList<>(2);
    if (role == Role.GHOST) {
      next.add(s);
    }
    boolean checked = role == Role.CHECKED;
    boolean knownRev = role != Role.OPEN;
    Exec x = new Exec(s, knownRev ? op.rev() : 0, knownRev, op.bump());
    List<Run> runs = switch (op.kind()) {
      case RANGE -> x.range(new Run(s, false), (RangeRequest) op.request(),
          checked ? (RangeResponse) op.response() : null, true);
      case PUT -> x.put(new Run(s, false), (PutRequest) op.request(),
          checked ? (PutResponse) op.response() : null);
      case DELETE -> x.delete(new Run(s, false), (DeleteRangeRequest) op.request(),
          checked ? (DeleteRangeResponse) op.response() : null);
      case TXN -> x.txn(new Run(s, false), (TxnRequest) op.request(),
          checked ? (TxnResponse) op.response() : null);
      case REVOKE, EXPIRE -> x.revoke(new Run(s, false), op.lease());
      case GRANT -> throw new IllegalArgumentException("lease grants touch no key");
    };
    for (Run r : runs) {
      State done = x.finish(r);
      if (done != null && !next.contains(done)) {
        next.add(done);
      }
    }
    return next;
  }

  /** A state part-way through one operation, and whether it has changed a key yet. */
  private record Run(State s, boolean wrote) {}

  /**
   * One operation's execution and its revisions: {@code before} and {@code post} are what its
   * answers show before and after its first change (in relaxed mode taken from the answer).
   */
  private final class Exec {
    final State pre;
    final boolean knownRev;
    final long post;
    final long before;
    final long answeredRev;

    Exec(State pre, long answeredRev, boolean knownRev, boolean bump) {
      this.pre = pre;
      this.knownRev = knownRev;
      this.answeredRev = answeredRev;
      if (exact) {
        post = pre.rev + 1;
        before = pre.rev;
      } else if (knownRev) {
        post = answeredRev;
        before = bump ? answeredRev - 1 : answeredRev;
      } else {
        post = -(pre.rev + 1);
        before = pre.rev;
      }
    }

    /** The revision an answer inside the operation carries at this point. */
    long current(boolean wrote) {
      return wrote ? post : before;
    }

    State finish(Run r) {
      if (exact) {
        long rev = r.wrote ? pre.rev + 1 : pre.rev;
        return knownRev && answeredRev != rev ? null : new State(rev, r.s.kvs);
      }
      if (!knownRev) {
        return new State(r.wrote ? pre.rev + 1 : pre.rev, r.s.kvs);
      }
      boolean ok = r.wrote ? answeredRev > pre.rev : answeredRev >= pre.rev;
      return ok ? new State(answeredRev, r.s.kvs) : null;
    }

    List<Run> range(Run run, RangeRequest req, RangeResponse resp, boolean topLevel) {
      if (resp == null) {
        return List.of(run);
      }
      if (!topLevel && resp.getHeader().getRevision() != current(run.wrote)) {
        return List.of();
      }
      if (req.getRevision() > 0) {
        return List.of(run); // a read of the past: only its header is judged
      }
      State s = run.s;
      int[] sel = s.select(req.getKey(), req.getRangeEnd());
      int n = sel[1] - sel[0];
      if (resp.getCount() != n) {
        return List.of();
      }
      Kv[] fixed = s.kvs.clone();
      boolean plain = req.getSortOrder() == RangeRequest.SortOrder.NONE
          && req.getSortTarget() == RangeRequest.SortTarget.KEY && req.getMinModRevision() == 0
          && req.getMaxModRevision() == 0 && req.getMinCreateRevision() == 0
          && req.getMaxCreateRevision() == 0;
      if (req.getCountOnly()) {
        if (resp.getKvsCount() != 0 || resp.getMore()) {
          return List.of();
        }
      } else if (plain) {
        long limit = req.getLimit() > 0 ? req.getLimit() : Long.MAX_VALUE;
        int shown = (int) Math.min(n, limit);
        if (resp.getKvsCount() != shown || resp.getMore() != (n > limit)) {
          return List.of();
        }
        for (int i = 0; i < shown; i++) {
          Kv k = fix(fixed[sel[0] + i], resp.getKvs(i), req.getKeysOnly());
          if (k == null) {
            return List.of();
          }
          fixed[sel[0] + i] = k;
        }
      } else {
        // Sorted or filtered: each key shown must be live and as stored, at most limit of them.
        if (req.getLimit() > 0 && resp.getKvsCount() > req.getLimit()) {
          return List.of();
        }
        ByteString last = null;
        for (KeyValue kv : resp.getKvsList()) {
          int i = s.indexOf(kv.getKey());
          if (i < sel[0] || i >= sel[1] || kv.getKey().equals(last)) {
            return List.of();
          }
          last = kv.getKey();
          Kv k = fix(fixed[i], kv, req.getKeysOnly());
          if (k == null) {
            return List.of();
          }
          fixed[i] = k;
        }
      }
      return List.of(new Run(new State(s.rev, fixed), run.wrote));
    }

    List<Run> put(Run run, PutRequest req, PutResponse resp) {
      State s = run.s;
      int i = s.indexOf(req.getKey());
      Kv old = i >= 0 ? s.kvs[i] : null;
      if (old == null && (req.getIgnoreValue() || req.getIgnoreLease())) {
        return List.of(); // etcd refuses it: "key not found"
      }
      if (resp != null) {
        if (resp.getHeader().getRevision() != current(true)) {
          return List.of();
        }
        if (req.getPrevKv() && old != null) {
          Kv k = fix(old, resp.getPrevKv(), false);
          if (!resp.hasPrevKv() || k == null) {
            return List.of();
          }
          old = k;
        } else if (resp.hasPrevKv()) {
          return List.of();
        }
      }
      Kv kv = new Kv(req.getKey(), req.getIgnoreValue() ? old.value : req.getValue(),
          old == null ? post : old.create, post, old == null ? 1 : old.version + 1,
          req.getIgnoreLease() ? old.lease : req.getLease());
      Kv[] kvs;
      if (i >= 0) {
        kvs = s.kvs.clone();
        kvs[i] = kv;
      } else {
        int at = -i - 1;
        kvs = new Kv[s.kvs.length + 1];
        System.arraycopy(s.kvs, 0, kvs, 0, at);
        kvs[at] = kv;
        System.arraycopy(s.kvs, at, kvs, at + 1, s.kvs.length - at);
      }
      return List.of(new Run(new State(s.rev, kvs), true));
    }

    List<Run> delete(Run run, DeleteRangeRequest req, DeleteRangeResponse resp) {
      State s = run.s;
      int[] sel = s.select(req.getKey(), req.getRangeEnd());
      int n = sel[1] - sel[0];
      boolean wrote = run.wrote || n > 0;
      if (resp != null) {
        if (resp.getDeleted() != n || resp.getHeader().getRevision() != current(wrote)) {
          return List.of();
        }
        if (resp.getPrevKvsCount() != (req.getPrevKv() ? n : 0)) {
          return List.of();
        }
        for (int j = 0; j < resp.getPrevKvsCount(); j++) {
          if (fix(s.kvs[sel[0] + j], resp.getPrevKvs(j), false) == null) {
            return List.of();
          }
        }
      }
      if (n == 0) {
        return List.of(run);
      }
      Kv[] kvs = new Kv[s.kvs.length - n];
      System.arraycopy(s.kvs, 0, kvs, 0, sel[0]);
      System.arraycopy(s.kvs, sel[1], kvs, sel[0], s.kvs.length - sel[1]);
      return List.of(new Run(new State(s.rev, kvs), wrote));
    }

    List<Run> revoke(Run run, long lease) {
      State s = run.s;
      Kv[] kvs = Arrays.stream(s.kvs).filter(k -> k.lease != lease).toArray(Kv[]::new);
      return List.of(kvs.length == s.kvs.length ? run : new Run(new State(s.rev, kvs), true));
    }

    List<Run> txn(Run run, TxnRequest req, TxnResponse resp) {
      Boolean holds = Boolean.TRUE;
      for (Compare c : req.getCompareList()) {
        Boolean one = compare(pre, c);
        if (Boolean.FALSE.equals(one)) {
          holds = Boolean.FALSE;
          break;
        }
        if (one == null) {
          holds = null;
        }
      }
      List<Run> out = new ArrayList<>(2);
      for (boolean branch : new boolean[] {true, false}) {
        if (holds != null && holds != branch) {
          continue;
        }
        if (resp != null && resp.getSucceeded() != branch) {
          continue;
        }
        List<RequestOp> ops = branch ? req.getSuccessList() : req.getFailureList();
        if (resp != null && resp.getResponsesCount() != ops.size()) {
          continue;
        }
        List<Run> runs = List.of(run);
        for (int j = 0; j < ops.size() && !runs.isEmpty(); j++) {
          ResponseOp r = resp == null ? null : resp.getResponses(j);
          List<Run> after = new ArrayList<>(runs.size());
          for (Run at : runs) {
            after.addAll(op(at, ops.get(j), r));
          }
          runs = after;
        }
        out.addAll(runs);
      }
      return out;
    }

    private List<Run> op(Run run, RequestOp req, ResponseOp resp) {
      return switch (req.getRequestCase()) {
        case REQUEST_RANGE -> resp != null && !resp.hasResponseRange() ? List.of()
            : range(run, req.getRequestRange(), resp == null ? null : resp.getResponseRange(),
                false);
        case REQUEST_PUT -> resp != null && !resp.hasResponsePut() ? List.of()
            : put(run, req.getRequestPut(), resp == null ? null : resp.getResponsePut());
        case REQUEST_DELETE_RANGE -> resp != null && !resp.hasResponseDeleteRange() ? List.of()
            : delete(run, req.getRequestDeleteRange(),
                resp == null ? null : resp.getResponseDeleteRange());
        case REQUEST_TXN -> resp != null && !resp.hasResponseTxn() ? List.of()
            : txn(run, req.getRequestTxn(), resp == null ? null : resp.getResponseTxn());
        case REQUEST_NOT_SET -> List.of(); // etcd refuses it: "key not found"
      };
    }
  }

  /** A compare against the state before the transaction; null when a revision is unknown. */
  static Boolean compare(State s, Compare c) {
    List<Kv> kvs = new ArrayList<>();
    if (c.getRangeEnd().isEmpty()) {
      kvs.add(s.get(c.getKey()));
    } else {
      int[] sel = s.select(c.getKey(), c.getRangeEnd());
      for (int i = sel[0]; i < sel[1]; i++) {
        kvs.add(s.kvs[i]);
      }
      if (kvs.isEmpty()) {
        kvs.add(null); // an empty range compares as one absent key
      }
    }
    Boolean all = Boolean.TRUE;
    for (Kv kv : kvs) {
      Boolean one = compareOne(kv, c);
      if (Boolean.FALSE.equals(one)) {
        return false;
      }
      if (one == null) {
        all = null;
      }
    }
    return all;
  }

  private static Boolean compareOne(Kv kv, Compare c) {
    int cmp;
    switch (c.getTarget()) {
      case VALUE -> {
        if (kv == null) {
          return false; // etcd: a value compare on an absent key is false, whatever the result
        }
        cmp = KEY_ORDER.compare(kv.value, c.getValue());
      }
      case VERSION -> cmp = Long.compare(kv == null ? 0 : kv.version, c.getVersion());
      case LEASE -> cmp = Long.compare(kv == null ? 0 : kv.lease, c.getLease());
      case CREATE, MOD -> {
        long actual = kv == null ? 0 : c.getTarget() == Compare.CompareTarget.CREATE
            ? kv.create : kv.mod;
        if (actual < 0) {
          return null;
        }
        cmp = Long.compare(actual,
            c.getTarget() == Compare.CompareTarget.CREATE ? c.getCreateRevision()
                : c.getModRevision());
      }
      default -> throw new IllegalArgumentException("unknown compare target " + c.getTarget());
    }
    return switch (c.getResult()) {
      case EQUAL -> cmp == 0;
      case GREATER -> cmp > 0;
      case LESS -> cmp < 0;
      case NOT_EQUAL -> cmp != 0;
      default -> throw new IllegalArgumentException("unknown compare result " + c.getResult());
    };
  }

  /** The stored key as the answer shows it, with unknown revisions fixed; null if it differs. */
  static Kv fix(Kv m, KeyValue o, boolean keysOnly) {
    if (!m.key.equals(o.getKey()) || m.version != o.getVersion() || m.lease != o.getLease()
        || !(keysOnly ? o.getValue().isEmpty() : m.value.equals(o.getValue()))) {
      return null;
    }
    long create = fixRev(m.create, o.getCreateRevision());
    long mod = fixRev(m.mod, o.getModRevision());
    if (create == 0 || mod == 0) {
      return null;
    }
    return create == m.create && mod == m.mod ? m
        : new Kv(m.key, m.value, create, mod, m.version, m.lease);
  }

  private static long fixRev(long model, long seen) {
    if (model >= 0) {
      return model == seen ? model : 0;
    }
    return seen >= -model ? seen : 0;
  }
}
