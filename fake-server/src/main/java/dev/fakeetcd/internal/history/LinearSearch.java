package dev.fakeetcd.internal.history;

import dev.fakeetcd.internal.history.KvModel.Role;
import dev.fakeetcd.internal.history.KvModel.State;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Wing and Gong's search for a linearization with Lowe's memoisation: operations are taken in
 * the order their intervals allow, each taken as late as possible (just in time), and a
 * (set of operations taken, model state) pair that failed once is never tried again.
 *
 * <p>Answered writes carry their new revision, and every linearization of a correct history puts
 * the answered writes in revision order and each answered operation after exactly the writes
 * with a revision not above its own (below, for a write). The search takes an operation only at
 * that point, so for answered operations it only has to decide where the open ones go.
 */
final class LinearSearch {

  private LinearSearch() {}

  private record Seen(BitSet taken, State state) {}

  /** A step taken: which, from what state, its choices, which one, and in which phase. */
  private record Frame(int op, State before, List<State> choices, int choice, int phase) {}

  /**
   * Whether the steps, each in its role (null: left out), can be linearized. Answered ones must
   * take effect inside their intervals; open ones may take effect once after their invocation.
   *
   * @param budget how many model steps it may still try; what it tries is taken off
   * @return whether they can, or null when the budget ran out first
   */
  static Boolean linearizable(List<Step> steps, Role[] roles, KvModel model, long[] budget) {
    int n = steps.size();
    long[] bumpRevs = new long[n];
    int bumps = 0;
    for (int i = 0; i < n; i++) {
      if (roles[i] != null && roles[i] != Role.OPEN && steps.get(i).bump()) {
        bumpRevs[bumps++] = steps.get(i).rev();
      }
    }
    bumpRevs = Arrays.copyOf(bumpRevs, bumps);
    Arrays.sort(bumpRevs);
    int[] need = new int[n];
    boolean[] counts = new boolean[n];
    int required = 0;
    Integer[] events = new Integer[2 * n];
    int nEvents = 0;
    for (int i = 0; i < n; i++) {
      need[i] = -1;
      if (roles[i] == null) {
        continue;
      }
      Step s = steps.get(i);
      if (roles[i] != Role.OPEN) {
        required++;
        counts[i] = s.bump();
        if (s.kind() != Step.Kind.REVOKE) { // whether a revoke wrote is not in its answer
          need[i] = s.bump() ? lowerBound(bumpRevs, s.rev()) : lowerBound(bumpRevs, s.rev() + 1);
        }
      }
      events[nEvents++] = 2 * i;
      events[nEvents++] = 2 * i + 1;
    }
    long[] seq = new long[2 * n];
    for (int i = 0; i < n; i++) {
      Step s = steps.get(i);
      seq[2 * i] = s.invokeSeq();
      seq[2 * i + 1] = roles[i] == Role.OPEN ? Long.MAX_VALUE : s.returnSeq();
    }
    Integer[] order = Arrays.copyOf(events, nEvents);
    // Calls before returns at one sequence number: overlapping rather than ordered.
    Arrays.sort(order, Comparator.<Integer>comparingLong(e -> seq[e]).thenComparingInt(e -> e & 1));
    int head = 2 * n;
    int tail = 2 * n + 1;
    int[] next = new int[2 * n + 2];
    int[] prev = new int[2 * n + 2];
    int last = head;
    for (int e : order) {
      next[last] = e;
      prev[e] = last;
      last = e;
    }
    next[last] = tail;
    prev[tail] = last;

    Set<Seen> seen = new HashSet<>();
    ArrayDeque<Frame> stack = new ArrayDeque<>();
    BitSet taken = new BitSet(n);
    State state = KvModel.INITIAL;
    int done = 0;
    int cur = next[head];
    int phase = 0; // open operations are tried only after all others: as late as possible
    while (true) {
      if (required == 0) {
        return true;
      }
      Frame took = null;
      if (cur != tail && (cur & 1) == 0) {
        int i = cur >> 1;
        if ((roles[i] == Role.OPEN) == (phase == 1) && (need[i] < 0 || need[i] == done)) {
          if (budget[0]-- <= 0) {
            return null;
          }
          took = take(i, model.step(state, steps.get(i), roles[i]), 0, state, taken, seen,
              phase);
        }
        if (took == null) {
          cur = next[cur];
          continue;
        }
      } else if (phase == 0) {
        phase = 1;
        cur = next[head];
        continue;
      } else {
        // A return whose call is still in the list: undo the last choice and try the next.
        if (stack.isEmpty()) {
          return false;
        }
        Frame f = stack.pop();
        int i = f.op;
        state = f.before;
        taken.clear(i);
        unlift(i, next, prev);
        done -= counts[i] ? 1 : 0;
        required += roles[i] != Role.OPEN ? 1 : 0;
        phase = f.phase;
        took = take(i, f.choices, f.choice + 1, state, taken, seen, phase);
        if (took == null) {
          cur = next[2 * i];
          continue;
        }
      }
      int i = took.op;
      stack.push(took);
      state = took.choices.get(took.choice);
      lift(i, next, prev);
      done += counts[i] ? 1 : 0;
      required -= roles[i] != Role.OPEN ? 1 : 0;
      phase = 0;
      cur = next[head];
    }
  }

  /** The first choice from {@code from} on whose outcome is new, taken; null if none. */
  private static Frame take(int i, List<State> choices, int from, State before, BitSet taken,
      Set<Seen> seen, int phase) {
    taken.set(i);
    for (int c = from; c < choices.size(); c++) {
      if (seen.add(new Seen((BitSet) taken.clone(), choices.get(c)))) {
        return new Frame(i, before, choices, c, phase);
      }
    }
    taken.clear(i);
    return null;
  }

  private static void lift(int i, int[] next, int[] prev) {
    for (int e : new int[] {2 * i, 2 * i + 1}) {
      next[prev[e]] = next[e];
      prev[next[e]] = prev[e];
    }
  }

  private static void unlift(int i, int[] next, int[] prev) {
    for (int e : new int[] {2 * i + 1, 2 * i}) {
      next[prev[e]] = e;
      prev[next[e]] = e;
    }
  }

  /** How many of the sorted values are below {@code v}. */
  private static int lowerBound(long[] sorted, long v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
