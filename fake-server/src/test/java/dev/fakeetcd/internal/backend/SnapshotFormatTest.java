package dev.fakeetcd.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.SnapshotResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFormatTest {

  @TempDir
  Path dir;

  private static List<SnapshotResponse> frames(byte[] data) {
    List<SnapshotResponse> frames = new ArrayList<>();
    int offset = 0;
    while (true) {
      SnapshotResponse frame = SnapshotFormat.frame(data, offset);
      frames.add(frame);
      if (offset == data.length) {
        return frames;
      }
      offset += frame.getBlob().size();
    }
  }

  private static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  private static byte[] withTrailer(byte[] data) throws Exception {
    return ByteBuffer.allocate(data.length + 32).put(data).put(sha256(data)).array();
  }

  @Test
  void frame_exactMultipleOfTheChunk_lastDataChunkIsFullWithNothingRemaining() throws Exception {
    byte[] data = new byte[2 * 32_768];
    data[40_000] = 7;

    List<SnapshotResponse> frames = frames(data);

    assertThat(frames).extracting(f -> f.getBlob().size()).containsExactly(32_768, 32_768, 32);
    assertThat(frames).extracting(SnapshotResponse::getRemainingBytes)
        .containsExactly(32_768L, 0L, 0L);
    assertThat(frames.get(2).getBlob().toByteArray()).isEqualTo(sha256(data));
  }

  @Test
  void frame_emptyData_isTheChecksumAlone() throws Exception {
    assertThat(frames(new byte[0])).containsExactly(SnapshotResponse.newBuilder()
        .setBlob(ByteString.copyFrom(sha256(new byte[0]))).build());
  }

  @Test
  void encode_padsToWholePages_asEtcdctlNeedsAMultipleOf512() {
    assertThat(SnapshotFormat.encode(new byte[10])).hasSize(4096);
    assertThat(SnapshotFormat.encode(new byte[4096])).hasSize(8192);
  }

  @Test
  void readFile_lengthBeyondTheData_failsAsCorrupt() throws Exception {
    byte[] data = SnapshotFormat.encode(new byte[] {1, 2, 3});
    ByteBuffer.wrap(data).putInt("fake-etcd snapshot\n".length() + 4, 5000);
    Path file = Files.write(dir.resolve("s.db"), withTrailer(data));

    assertThatThrownBy(() -> SnapshotFormat.readFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + " is a corrupt fake-etcd snapshot: it claims 5000 bytes of state in"
            + " 4069");
  }

  @Test
  void readFile_encodedStateWithItsSha256_returnsTheState() throws Exception {
    byte[] state = "state bytes".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("s.db"), withTrailer(SnapshotFormat.encode(state)));

    assertThat(SnapshotFormat.readFile(file)).isEqualTo(state);
  }

  @Test
  void readFile_newerFormatVersion_failsNamingBothVersions() throws Exception {
    byte[] data = SnapshotFormat.encode(new byte[] {1, 2, 3});
    int versionAt = "fake-etcd snapshot\n".length();
    ByteBuffer.wrap(data).putInt(versionAt, 2);
    Path file = Files.write(dir.resolve("s.db"), withTrailer(data));

    assertThatThrownBy(() -> SnapshotFormat.readFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + " is a fake-etcd snapshot of format version 2; this fake-etcd reads"
            + " version 1");
  }

  @Test
  void readFile_otherFile_isNotAFakeEtcdSnapshot() throws Exception {
    Path file = Files.write(dir.resolve("notes.txt"),
        withTrailer("just some text, long enough".getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> SnapshotFormat.readFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + " is not a fake-etcd snapshot");
  }
}
