package dev.fakeetcd.internal.auth;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Permission;
import java.util.Comparator;

/**
 * One user's merged key permissions, etcd 3.4's {@code unifiedRangePermissions}
 * ({@code auth/range_perm_cache.go}): the granted intervals of the user's roles in one interval
 * tree for READ and one for WRITE (READWRITE goes to both; an unknown type to neither).
 *
 * <p>etcd answers a range by walking its red-black interval tree ({@code pkg/adt}), and for a
 * backwards request ({@code range_end} at or before {@code key}) the walk's pruning makes the
 * answer depend on the tree's shape, that is on the order the intervals went in. So this is the
 * same tree, built in the same order: roles in the user's (sorted) order, each role's permissions
 * in its order. For well-formed requests the answer is plain coverage by the union of the grants.
 */
final class RangePermissions {

  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});
  private static final Comparator<ByteString> BYTES =
      ByteString.unsignedLexicographicalComparator();

  private final IntervalTree read = new IntervalTree();
  private final IntervalTree write = new IntervalTree();

  /** Adds {@code perm} as etcd's {@code getMergedPerms} does. */
  void add(Permission perm) {
    ByteString begin = perm.getKey();
    // a single key is the interval [key, key\0); range_end "\0" is the open end
    ByteString end = perm.getRangeEnd().isEmpty() ? begin.concat(ZERO)
        : perm.getRangeEnd().equals(ZERO) ? ByteString.EMPTY : perm.getRangeEnd();
    switch (perm.getPermTypeValue()) {
      case Permission.Type.READ_VALUE -> read.insert(begin, end);
      case Permission.Type.WRITE_VALUE -> write.insert(begin, end);
      case Permission.Type.READWRITE_VALUE -> {
        read.insert(begin, end);
        write.insert(begin, end);
      }
      default -> { } // etcd stores any type number and grants nothing for an unknown one
    }
  }

  /**
   * Whether {@code [key, rangeEnd)} may be read (or written): an empty {@code rangeEnd} asks for
   * the key alone (some granted interval holds it), otherwise the granted intervals must cover the
   * request ({@code "\0"}: to the end of the keyspace) without a gap.
   */
  boolean permits(ByteString key, ByteString rangeEnd, boolean forWrite) {
    IntervalTree tree = forWrite ? write : read;
    if (rangeEnd.isEmpty()) {
      return tree.intersects(key, key.concat(ZERO));
    }
    return tree.contains(key, rangeEnd.equals(ZERO) ? ByteString.EMPTY : rangeEnd);
  }

  /** etcd's affine byte order: the empty bound is past every key (the open end). */
  static int compare(ByteString a, ByteString b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isEmpty(), b.isEmpty());
    }
    return BYTES.compare(a, b);
  }

  /** etcd's {@code Interval.Compare} of {@code [b1, e1)} and {@code [b2, e2)}: 0 on overlap. */
  static int compare(ByteString b1, ByteString e1, ByteString b2, ByteString e2) {
    if (compare(b1, b2) < 0 && compare(e1, b2) <= 0) {
      return -1;
    }
    return compare(b1, e2) >= 0 ? 1 : 0;
  }

  /**
   * etcd's {@code adt.IntervalTree} (a red-black tree by interval start, each node keeping the
   * greatest end below it), with only what the permission cache uses: insert, the point stab and
   * the coverage walk, each in etcd's steps so that the same inserts give the same answers.
   */
  static final class IntervalTree {

    private static final class Node {
      final ByteString begin;
      final ByteString end;
      ByteString max;
      Node left;
      Node right;
      Node parent;
      boolean red = true;

      Node(ByteString begin, ByteString end) {
        this.begin = begin;
        this.end = end;
        this.max = end;
      }
    }

    private Node root;

    void insert(ByteString begin, ByteString end) {
      Node z = new Node(begin, end);
      Node parent = null;
      for (Node x = root; x != null; x = compare(begin, x.begin) < 0 ? x.left : x.right) {
        parent = x;
      }
      z.parent = parent;
      if (parent == null) {
        root = z;
      } else {
        if (compare(begin, parent.begin) < 0) {
          parent.left = z;
        } else {
          parent.right = z;
        }
        updateMax(parent);
      }
      insertFixup(z);
    }

    /** Whether some interval overlaps {@code [begin, end)}. */
    boolean intersects(ByteString begin, ByteString end) {
      Node x = root;
      while (x != null && compare(begin, end, x.begin, x.end) != 0) {
        x = x.left != null && compare(x.left.max, begin) > 0 ? x.left : x.right;
      }
      return x != null;
    }

    /**
     * Whether the intervals the walk finds overlapping {@code [begin, end)}, in start order, are
     * gapless and reach from at or before {@code begin} to at or past {@code end}.
     */
    boolean contains(ByteString begin, ByteString end) {
      Coverage coverage = new Coverage();
      visit(root, begin, end, coverage);
      return coverage.gapless && coverage.minBegin != null
          && compare(coverage.maxEnd, end) >= 0 && compare(coverage.minBegin, begin) <= 0;
    }

    private static final class Coverage {
      ByteString minBegin;
      ByteString maxEnd;
      boolean gapless = true;

      boolean add(Node n) {
        if (minBegin == null) {
          minBegin = n.begin;
          maxEnd = n.end;
        } else if (compare(maxEnd, n.begin) < 0) {
          gapless = false;
          return false;
        } else if (compare(n.end, maxEnd) > 0) {
          maxEnd = n.end;
        }
        return true;
      }
    }

    /**
     * etcd's {@code visit}: in order over the nodes overlapping the query. A node right of the
     * query is searched below only if {@code [its begin, its max)} overlaps the query, which for a
     * backwards query can skip overlapping nodes: etcd's answer, kept.
     */
    private static boolean visit(Node x, ByteString begin, ByteString end, Coverage coverage) {
      if (x == null) {
        return true;
      }
      int v = compare(begin, end, x.begin, x.end);
      if (v < 0) {
        return visit(x.left, begin, end, coverage);
      }
      if (v > 0) {
        return compare(x.begin, x.max, begin, end) != 0
            || visit(x.left, begin, end, coverage) && visit(x.right, begin, end, coverage);
      }
      return visit(x.left, begin, end, coverage) && coverage.add(x)
          && visit(x.right, begin, end, coverage);
    }

    /** Recomputes {@code x}'s max and its ancestors', stopping where a max does not change. */
    private static void updateMax(Node x) {
      for (; x != null; x = x.parent) {
        ByteString max = x.end;
        if (x.left != null && compare(x.left.max, max) > 0) {
          max = x.left.max;
        }
        if (x.right != null && compare(x.right.max, max) > 0) {
          max = x.right.max;
        }
        if (compare(x.max, max) == 0) {
          break;
        }
        x.max = max;
      }
    }

    private static boolean isRed(Node x) {
      return x != null && x.red;
    }

    private void insertFixup(Node z) {
      while (isRed(z.parent)) {
        Node grand = z.parent.parent;
        boolean parentIsLeft = z.parent == grand.left;
        Node uncle = parentIsLeft ? grand.right : grand.left;
        if (isRed(uncle)) {
          uncle.red = false;
          z.parent.red = false;
          grand.red = true;
          z = grand;
          continue;
        }
        if (parentIsLeft && z == z.parent.right) {
          z = z.parent;
          rotateLeft(z);
        } else if (!parentIsLeft && z == z.parent.left) {
          z = z.parent;
          rotateRight(z);
        }
        z.parent.red = false;
        z.parent.parent.red = true;
        if (parentIsLeft) {
          rotateRight(z.parent.parent);
        } else {
          rotateLeft(z.parent.parent);
        }
      }
      root.red = false;
    }

    // The rotations update maxima at etcd's moments (x before it is re-hung, then its old
    // parent, then y), since a max left stale would change later walks.
    private void rotateLeft(Node x) {
      Node y = x.right;
      x.right = y.left;
      if (y.left != null) {
        y.left.parent = x;
      }
      updateMax(x);
      replaceParent(x, y);
      y.left = x;
      updateMax(y);
    }

    private void rotateRight(Node x) {
      Node y = x.left;
      x.left = y.right;
      if (y.right != null) {
        y.right.parent = x;
      }
      updateMax(x);
      replaceParent(x, y);
      y.right = x;
      updateMax(y);
    }

    private void replaceParent(Node x, Node y) {
      y.parent = x.parent;
      if (x.parent == null) {
        root = y;
      } else {
        if (x == x.parent.left) {
          x.parent.left = y;
        } else {
          x.parent.right = y;
        }
        updateMax(x.parent);
      }
      x.parent = y;
    }
  }
}
