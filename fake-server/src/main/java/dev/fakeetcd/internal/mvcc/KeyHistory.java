package dev.fakeetcd.internal.mvcc;

import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.internal.backend.BackendFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Every retained change of one key, oldest first. A put stores its full KeyValue; a tombstone
 * stores null. Several changes may share a main revision (one txn), ordered by sub revision.
 */
final class KeyHistory {
  record Change(long main, int sub, KeyValue kv) {
    boolean isTombstone() {
      return kv == null;
    }
  }

  private final List<Change> changes = new ArrayList<>();
  private final int keySize;

  KeyHistory(int keySize) {
    this.keySize = keySize;
  }

  /** Appends a change; returns the backend bytes it takes (see {@link BackendFile}). */
  long append(long main, int sub, KeyValue kv) {
    changes.add(new Change(main, sub, kv));
    return BackendFile.revisionBytes(keySize, kv);
  }

  /** The live value at {@code revision}, or null if the key was absent (or deleted) then. */
  KeyValue at(long revision) {
    int i = lastIndexAtOrBefore(revision);
    return i < 0 ? null : changes.get(i).kv();
  }

  KeyValue latest() {
    return changes.isEmpty() ? null : changes.get(changes.size() - 1).kv();
  }

  List<Change> changes() {
    return changes;
  }

  /**
   * Removes trailing changes of revision {@code main}; used to undo a failed write. Returns the
   * backend bytes they took.
   */
  long dropRevision(long main) {
    long freed = 0;
    while (!changes.isEmpty() && changes.get(changes.size() - 1).main() == main) {
      freed += BackendFile.revisionBytes(keySize, changes.remove(changes.size() - 1).kv());
    }
    return freed;
  }

  /**
   * Keeps what etcd keeps when compacting at {@code revision}: the latest change at or before it
   * unless that is a tombstone, and every later change. Returns the backend bytes freed.
   */
  long compact(long revision) {
    int i = lastIndexAtOrBefore(revision);
    if (i < 0) {
      return 0;
    }
    int keepFrom = changes.get(i).isTombstone() ? i + 1 : i;
    List<Change> dropped = changes.subList(0, keepFrom);
    long freed = 0;
    for (Change c : dropped) {
      freed += BackendFile.revisionBytes(keySize, c.kv());
    }
    dropped.clear();
    return freed;
  }

  boolean isEmpty() {
    return changes.isEmpty();
  }

  private int lastIndexAtOrBefore(long revision) {
    int lo = 0;
    int hi = changes.size() - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (changes.get(mid).main() <= revision) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
