package dev.fakeetcd.internal.backend;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.SnapshotResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The fake's snapshot data, what its Snapshot stream sends: a magic line, a format version, the
 * length of a member's state-machine data (key history with revisions and compact revision,
 * leases, alarms), that state, then zeros up to a multiple of 4 KiB. etcd sends its bbolt
 * file instead, whole 4 KiB pages; the fake has none, but pads alike, as {@code etcdctl snapshot
 * save} refuses a stream whose size is not a multiple of 512 plus the 32-byte checksum. A file as
 * {@code etcdctl snapshot save} writes it is this data followed by the data's SHA-256.
 */
public final class SnapshotFormat {

  /** etcd's send buffer: every data message but the last carries exactly this many bytes. */
  static final int CHUNK = 32 * 1024;
  static final int CHECKSUM = 32;
  private static final byte[] MAGIC = "fake-etcd snapshot\n".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int HEADER = MAGIC.length + 2 * Integer.BYTES;
  private static final int PAGE = 4096;
  /** bbolt's page magic, at offset 16 of its first page, little-endian. */
  private static final int BOLT_MAGIC = 0xED0CDAED;
  private static final int BOLT_MAGIC_OFFSET = 16;

  private SnapshotFormat() {
  }

  public static byte[] encode(byte[] state) {
    int size = (HEADER + state.length + PAGE - 1) / PAGE * PAGE;
    return ByteBuffer.allocate(size).put(MAGIC).putInt(VERSION).putInt(state.length).put(state)
        .array();
  }

  /**
   * The message that follows the first {@code offset} bytes of {@code data}, as etcd frames them:
   * the next chunk, with the count of bytes after it, or, once all are sent, the data's SHA-256
   * (so empty data is the checksum message alone).
   */
  public static SnapshotResponse frame(byte[] data, int offset) {
    if (offset == data.length) {
      return SnapshotResponse.newBuilder().setBlob(ByteString.copyFrom(sha256(data))).build();
    }
    int n = Math.min(CHUNK, data.length - offset);
    return SnapshotResponse.newBuilder()
        .setRemainingBytes(data.length - offset - n)
        .setBlob(ByteString.copyFrom(data, offset, n))
        .build();
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Reads a snapshot file (data, then its SHA-256) and returns the state-machine bytes it holds.
   *
   * @throws IllegalArgumentException naming the file if it is no fake-etcd snapshot, is of a newer
   *     format, or its trailer does not match its data
   */
  public static byte[] readFile(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < CHECKSUM + HEADER || !startsWithMagic(bytes)) {
      throw new IllegalArgumentException(file + " is not a fake-etcd snapshot"
          + (isBolt(bytes) ? " but a bbolt database (a real etcd's snapshot?); fake-etcd restores"
              + " only snapshots saved from fake-etcd" : ""));
    }
    byte[] data = Arrays.copyOf(bytes, bytes.length - CHECKSUM);
    byte[] trailer = Arrays.copyOfRange(bytes, data.length, bytes.length);
    byte[] actual = sha256(data);
    if (!Arrays.equals(trailer, actual)) {
      throw new IllegalArgumentException(file + " is a corrupt fake-etcd snapshot: its SHA-256"
          + " trailer " + HexFormat.of().formatHex(trailer) + " does not match its data's "
          + HexFormat.of().formatHex(actual));
    }
    ByteBuffer header = ByteBuffer.wrap(data, MAGIC.length, 2 * Integer.BYTES);
    int version = header.getInt();
    if (version != VERSION) {
      throw new IllegalArgumentException(file + " is a fake-etcd snapshot of format version "
          + version + "; this fake-etcd reads version " + VERSION);
    }
    int length = header.getInt();
    if (length < 0 || length > data.length - HEADER) {
      throw new IllegalArgumentException(file + " is a corrupt fake-etcd snapshot: it claims "
          + length + " bytes of state in " + (data.length - HEADER));
    }
    return Arrays.copyOfRange(data, HEADER, HEADER + length);
  }

  private static boolean startsWithMagic(byte[] bytes) {
    return Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  private static boolean isBolt(byte[] bytes) {
    return bytes.length >= BOLT_MAGIC_OFFSET + Integer.BYTES && ByteBuffer.wrap(bytes)
        .order(ByteOrder.LITTLE_ENDIAN).getInt(BOLT_MAGIC_OFFSET) == BOLT_MAGIC;
  }
}
