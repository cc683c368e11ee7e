package dev.fakeetcd.internal.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.PutRequest;
import org.junit.jupiter.api.Test;

class MvccStoreSnapshotTest {

  @Test
  void restore_reproducesHistoryRevisionAndCompactRevision() {
    MvccStore store = new MvccStore(lease -> false);
    store.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("a")).setValue(ByteString.copyFromUtf8("1")).build());
    store.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("a")).setValue(ByteString.copyFromUtf8("2")).build());
    store.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("b")).build());
    store.deleteRange(DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("b")).build());
    store.compact(CompactionRequest.newBuilder().setRevision(3).build());

    MvccStore copy = new MvccStore(lease -> false);
    copy.restore(store.snapshot());

    assertThat(copy.revision()).isEqualTo(store.revision());
    assertThat(copy.compactRevision()).isEqualTo(3);
    assertThat(copy.events(ByteString.copyFrom(new byte[] {0}), ByteString.copyFrom(new byte[] {0}), 3, 10))
        .isEqualTo(store.events(ByteString.copyFrom(new byte[] {0}), ByteString.copyFrom(new byte[] {0}), 3, 10));
    assertThat(copy.snapshot()).isEqualTo(store.snapshot());
  }
}
