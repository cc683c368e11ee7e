package dev.fakeetcd.internal.mvcc;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * etcd 3.4's {@code HashByRev} ({@code mvcc/kvstore.go}), the hash Maintenance's HashKV answers:
 * CRC-32C of the bucket name "key" and then, in revision order, every stored (revision key,
 * KeyValue) pair up to a revision. Revision keys are etcd's 17 bytes (main, '_', sub, big-endian)
 * plus 't' for a tombstone, whose value is a KeyValue with the key alone. Of the pairs at or below
 * the compact revision, only those a compaction at that revision would keep count, unless it would
 * keep none.
 */
final class KvHasher {
  private static final byte[] KEY_BUCKET = {'k', 'e', 'y'};
  private static final Comparator<KeyHistory.Change> BY_REVISION = Comparator
      .<KeyHistory.Change>comparingLong(KeyHistory.Change::main)
      .thenComparingInt(KeyHistory.Change::sub);

  private KvHasher() {}

  /** The hash of {@code store} up to {@code rev} (0 = current). */
  static MvccStore.KvHash hash(MvccStore store, long rev) {
    long compactRevision = store.compactRevision();
    if (rev > 0 && rev <= compactRevision) {
      throw EtcdError.COMPACTED.toException();
    }
    if (rev > store.revision()) {
      throw EtcdError.FUTURE_REV.toException();
    }
    long upTo = rev == 0 ? store.revision() : rev;
    TreeMap<KeyHistory.Change, byte[]> pairs = new TreeMap<>(BY_REVISION);
    TreeSet<KeyHistory.Change> kept = new TreeSet<>(BY_REVISION);
    for (Map.Entry<ByteString, KeyHistory> entry : store.histories().entrySet()) {
      KeyHistory.Change last = null;
      for (KeyHistory.Change change : entry.getValue().changes()) {
        if (change.main() > upTo) {
          break;
        }
        pairs.put(change, pair(entry.getKey(), change));
        last = change;
      }
      if (last != null && !last.isTombstone()) {
        kept.add(last);
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(KEY_BUCKET);
    for (Map.Entry<KeyHistory.Change, byte[]> pair : pairs.entrySet()) {
      if (pair.getKey().main() <= compactRevision && !kept.isEmpty()
          && !kept.contains(pair.getKey())) {
        continue;
      }
      crc.update(pair.getValue());
    }
    return new MvccStore.KvHash((int) crc.getValue(), store.revision(), compactRevision);
  }

  private static byte[] pair(ByteString key, KeyHistory.Change change) {
    byte[] value = (change.isTombstone() ? KeyValue.newBuilder().setKey(key).build() : change.kv())
        .toByteArray();
    ByteBuffer bytes = ByteBuffer.allocate(18 + value.length);
    bytes.putLong(change.main()).put((byte) '_').putLong(change.sub());
    if (change.isTombstone()) {
      bytes.put((byte) 't');
    }
    bytes.put(value);
    return Arrays.copyOf(bytes.array(), bytes.position());
  }
}
