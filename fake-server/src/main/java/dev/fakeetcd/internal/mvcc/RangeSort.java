package dev.fakeetcd.internal.mvcc;

import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.RangeRequest;
import java.util.Comparator;
import java.util.List;

/**
 * Range's sorting step (etcd 3.4 {@code etcdserver/apply.go}). etcd sorts with Go's unstable
 * {@code sort.Sort}, so the order of equal elements is whatever that algorithm leaves. To give
 * byte-identical answers for ties this class performs the same sequence of comparisons and swaps
 * as Go 1.19's pattern-defeating quicksort (the Go release the etcd 3.4.23 binary was built
 * with); in particular up to 12 elements are insertion-sorted, which keeps ties in key order.
 */
final class RangeSort {
  private RangeSort() {}

  /** Sorts {@code kvs} (in key order on entry) as etcd's Range does for the given enum values. */
  static void sort(List<KeyValue> kvs, int target, int order) {
    if (target != RangeRequest.SortTarget.KEY_VALUE && order == RangeRequest.SortOrder.NONE_VALUE) {
      order = RangeRequest.SortOrder.ASCEND_VALUE;
    }
    Comparator<KeyValue> by = switch (target) {
      case RangeRequest.SortTarget.KEY_VALUE -> Comparator.comparing(KeyValue::getKey, MvccStore.KEY_ORDER);
      case RangeRequest.SortTarget.VERSION_VALUE -> Comparator.comparingLong(KeyValue::getVersion);
      case RangeRequest.SortTarget.CREATE_VALUE -> Comparator.comparingLong(KeyValue::getCreateRevision);
      case RangeRequest.SortTarget.MOD_VALUE -> Comparator.comparingLong(KeyValue::getModRevision);
      case RangeRequest.SortTarget.VALUE_VALUE -> Comparator.comparing(KeyValue::getValue, MvccStore.KEY_ORDER);
      default -> null; // unknown target: etcd has no sorter for it; leave key order
    };
    if (by == null) {
      return;
    }
    if (order == RangeRequest.SortOrder.ASCEND_VALUE) {
      new GoSort(kvs, by).sort();
    } else if (order == RangeRequest.SortOrder.DESCEND_VALUE) {
      new GoSort(kvs, by.reversed()).sort();
    }
  }

  /** Go's {@code sort.Sort} over a list; "less" is {@code compare < 0}. */
  private static final class GoSort {
    private static final int MAX_INSERTION = 12;
    private static final int SHORTEST_NINTHER = 50;
    private static final int MAX_SWAPS = 4 * 3;
    private static final int UNKNOWN_HINT = 0;
    private static final int INCREASING_HINT = 1;
    private static final int DECREASING_HINT = 2;

    private final List<KeyValue> data;
    private final Comparator<KeyValue> order;
    private int swaps; // choosePivot's swap counter

    GoSort(List<KeyValue> data, Comparator<KeyValue> order) {
      this.data = data;
      this.order = order;
    }

    void sort() {
      int n = data.size();
      if (n > 1) {
        pdqsort(0, n, bitLength(n));
      }
    }

    private boolean less(int i, int j) {
      return order.compare(data.get(i), data.get(j)) < 0;
    }

    private void swap(int i, int j) {
      KeyValue t = data.get(i);
      data.set(i, data.get(j));
      data.set(j, t);
    }

    private static int bitLength(long n) {
      return 64 - Long.numberOfLeadingZeros(n);
    }

    private void pdqsort(int a, int b, int limit) {
      boolean wasBalanced = true;
      boolean wasPartitioned = true;
      while (true) {
        int length = b - a;
        if (length <= MAX_INSERTION) {
          insertionSort(a, b);
          return;
        }
        if (limit == 0) {
          heapSort(a, b);
          return;
        }
        if (!wasBalanced) {
          breakPatterns(a, b);
          limit--;
        }
        long choice = choosePivot(a, b);
        int pivot = (int) (choice >> 2);
        int hint = (int) (choice & 3);
        if (hint == DECREASING_HINT) {
          reverseRange(a, b);
          pivot = (b - 1) - (pivot - a);
          hint = INCREASING_HINT;
        }
        if (wasBalanced && wasPartitioned && hint == INCREASING_HINT && partialInsertionSort(a, b)) {
          return;
        }
        if (a > 0 && !less(a - 1, pivot)) {
          a = partitionEqual(a, b, pivot);
          continue;
        }
        long parted = partition(a, b, pivot);
        int mid = (int) (parted >> 1);
        wasPartitioned = (parted & 1) == 1;
        int leftLen = mid - a;
        int rightLen = b - mid;
        int balanceThreshold = length / 8;
        if (leftLen < rightLen) {
          wasBalanced = leftLen >= balanceThreshold;
          pdqsort(a, mid, limit);
          a = mid + 1;
        } else {
          wasBalanced = rightLen >= balanceThreshold;
          pdqsort(mid + 1, b, limit);
          b = mid;
        }
      }
    }

    private void insertionSort(int a, int b) {
      for (int i = a + 1; i < b; i++) {
        for (int j = i; j > a && less(j, j - 1); j--) {
          swap(j, j - 1);
        }
      }
    }

    private void siftDown(int lo, int hi, int first) {
      int root = lo;
      while (true) {
        int child = 2 * root + 1;
        if (child >= hi) {
          return;
        }
        if (child + 1 < hi && less(first + child, first + child + 1)) {
          child++;
        }
        if (!less(first + root, first + child)) {
          return;
        }
        swap(first + root, first + child);
        root = child;
      }
    }

    private void heapSort(int a, int b) {
      int hi = b - a;
      for (int i = (hi - 1) / 2; i >= 0; i--) {
        siftDown(i, hi, a);
      }
      for (int i = hi - 1; i >= 0; i--) {
        swap(a, a + i);
        siftDown(0, i, a);
      }
    }

    /** Returns {@code newPivot << 1 | alreadyPartitioned}. */
    private long partition(int a, int b, int pivot) {
      swap(a, pivot);
      int i = a + 1;
      int j = b - 1;
      while (i <= j && less(i, a)) {
        i++;
      }
      while (i <= j && !less(j, a)) {
        j--;
      }
      if (i > j) {
        swap(j, a);
        return ((long) j << 1) | 1;
      }
      swap(i, j);
      i++;
      j--;
      while (true) {
        while (i <= j && less(i, a)) {
          i++;
        }
        while (i <= j && !less(j, a)) {
          j--;
        }
        if (i > j) {
          break;
        }
        swap(i, j);
        i++;
        j--;
      }
      swap(j, a);
      return (long) j << 1;
    }

    private int partitionEqual(int a, int b, int pivot) {
      swap(a, pivot);
      int i = a + 1;
      int j = b - 1;
      while (true) {
        while (i <= j && !less(a, i)) {
          i++;
        }
        while (i <= j && less(a, j)) {
          j--;
        }
        if (i > j) {
          return i;
        }
        swap(i, j);
        i++;
        j--;
      }
    }

    private boolean partialInsertionSort(int a, int b) {
      final int maxSteps = 5;
      final int shortestShifting = 50;
      int i = a + 1;
      for (int step = 0; step < maxSteps; step++) {
        while (i < b && !less(i, i - 1)) {
          i++;
        }
        if (i == b) {
          return true;
        }
        if (b - a < shortestShifting) {
          return false;
        }
        swap(i, i - 1);
        if (i - a >= 2) {
          for (int j = i - 1; j >= 1; j--) {
            if (!less(j, j - 1)) {
              break;
            }
            swap(j, j - 1);
          }
        }
        if (b - i >= 2) {
          for (int j = i + 1; j < b; j++) {
            if (!less(j, j - 1)) {
              break;
            }
            swap(j, j - 1);
          }
        }
      }
      return false;
    }

    private void breakPatterns(int a, int b) {
      int length = b - a;
      if (length >= 8) {
        long random = length; // Go 1.19's xorshift, seeded with the length
        long modulus = 1L << bitLength(length);
        for (int idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; idx++) {
          random ^= random << 13;
          random ^= random >>> 17;
          random ^= random << 5;
          int other = (int) (random & (modulus - 1));
          if (other >= length) {
            other -= length;
          }
          swap(idx, a + other);
        }
      }
    }

    /** Returns {@code pivot << 2 | hint}. */
    private long choosePivot(int a, int b) {
      int l = b - a;
      swaps = 0;
      int i = a + l / 4;
      int j = a + l / 4 * 2;
      int k = a + l / 4 * 3;
      if (l >= 8) {
        if (l >= SHORTEST_NINTHER) {
          i = median(i - 1, i, i + 1);
          j = median(j - 1, j, j + 1);
          k = median(k - 1, k, k + 1);
        }
        j = median(i, j, k);
      }
      int hint = swaps == 0 ? INCREASING_HINT : swaps == MAX_SWAPS ? DECREASING_HINT : UNKNOWN_HINT;
      return ((long) j << 2) | hint;
    }

    /** Index of the median of data[a], data[b], data[c], counting swaps as Go does. */
    private int median(int a, int b, int c) {
      if (less(b, a)) {
        swaps++;
        int t = a;
        a = b;
        b = t;
      }
      if (less(c, b)) {
        swaps++;
        int t = b;
        b = c;
        c = t;
      }
      if (less(b, a)) {
        swaps++;
        b = a;
      }
      return b;
    }

    private void reverseRange(int a, int b) {
      for (int i = a, j = b - 1; i < j; i++, j--) {
        swap(i, j);
      }
    }
  }
}
