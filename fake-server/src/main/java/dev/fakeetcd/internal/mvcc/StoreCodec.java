package dev.fakeetcd.internal.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import dev.fakeetcd.api.KeyValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link MvccStore}'s whole state as bytes, for snapshots: revision, compact revision and every
 * retained change of every key, in key order, so equal stores give equal bytes.
 */
final class StoreCodec {
  private StoreCodec() {}

  static byte[] encode(MvccStore store) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeInt64NoTag(store.revision());
      out.writeInt64NoTag(store.compactRevision());
      Map<ByteString, KeyHistory> histories = store.histories();
      out.writeUInt32NoTag(histories.size());
      for (Map.Entry<ByteString, KeyHistory> entry : histories.entrySet()) {
        out.writeBytesNoTag(entry.getKey());
        List<KeyHistory.Change> changes = entry.getValue().changes();
        out.writeUInt32NoTag(changes.size());
        for (KeyHistory.Change change : changes) {
          out.writeInt64NoTag(change.main());
          out.writeUInt32NoTag(change.sub());
          out.writeBoolNoTag(change.isTombstone());
          if (!change.isTombstone()) {
            out.writeMessageNoTag(change.kv());
          }
        }
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Replaces {@code store}'s state with what {@link #encode} wrote (possibly of another store). */
  static void decode(byte[] snapshot, MvccStore store) {
    CodedInputStream in = CodedInputStream.newInstance(snapshot);
    try {
      long revision = in.readInt64();
      long compactRevision = in.readInt64();
      TreeMap<ByteString, KeyHistory> index = new TreeMap<>(MvccStore.KEY_ORDER);
      long storedBytes = 0;
      int keys = in.readUInt32();
      for (int k = 0; k < keys; k++) {
        ByteString key = in.readBytes();
        KeyHistory history = new KeyHistory(key.size());
        int changes = in.readUInt32();
        for (int c = 0; c < changes; c++) {
          long main = in.readInt64();
          int sub = in.readUInt32();
          KeyValue kv = in.readBool() ? null
              : in.readMessage(KeyValue.parser(), ExtensionRegistryLite.getEmptyRegistry());
          storedBytes += history.append(main, sub, kv);
        }
        index.put(key, history);
      }
      store.replace(revision, compactRevision, index, storedBytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an MvccStore snapshot", e);
    }
  }
}
