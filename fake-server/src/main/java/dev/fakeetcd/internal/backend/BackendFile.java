package dev.fakeetcd.internal.backend;

import com.google.protobuf.CodedOutputStream;
import dev.fakeetcd.api.KeyValue;

/**
 * A model of one member's bbolt file, for Status's {@code dbSize} and {@code dbSizeInUse} and for
 * the space quota. The bytes in use are estimated from the applied state (see {@link #inUse}); the
 * file is their high-water mark plus one free page, as bolt's file only grows: compaction lowers
 * what is in use, only {@link #defragment} (or installing a leader's snapshot) shrinks the file.
 * Held by the member's server, so it survives crashes as the member's disk does: entries replayed
 * on a restart were already written and change nothing.
 */
public final class BackendFile {

  static final long PAGE = 4096;
  /** A fresh etcd 3.4 member reports 16 KiB in use in a 20 KiB file (verified). */
  private static final long FRESH_IN_USE = 4 * PAGE;
  /** bolt's leaf element header, stored with every key/value pair. */
  private static final long ELEMENT_OVERHEAD = 16;
  /** etcd's revision key: 8-byte main revision, '_', 8-byte sub revision. */
  private static final long REVISION_KEY = 17;
  /** A lease: 8-byte ID key and a small leasepb.Lease value. */
  private static final long LEASE_BYTES = 8 + 24 + ELEMENT_OVERHEAD;
  /** An alarm: an AlarmMember as the key, no value. */
  private static final long ALARM_BYTES = 12 + ELEMENT_OVERHEAD;

  private final BackendQuota quota;
  private long size = FRESH_IN_USE + PAGE;
  /** The last entry whose writes reached this file. */
  private long lastIndex;

  public BackendFile(BackendQuota quota) {
    this.quota = quota;
  }

  /** etcd's {@code Size()}: the file, free pages included. */
  public long size() {
    return size;
  }

  /** Whether a request of {@code cost} fits in the quota now. */
  public boolean fits(long cost) {
    return quota.fits(size, cost);
  }

  /** Whether entry {@code index} is new to this file (not a replay after a restart). */
  public boolean isNew(long index) {
    return index > lastIndex;
  }

  /** Entry {@code index} was applied, leaving {@code inUse} bytes in use. */
  public void applied(long index, long inUse) {
    if (index > lastIndex) {
      lastIndex = index;
      size = Math.max(size, inUse + PAGE);
    }
  }

  /**
   * The state was restored from a snapshot at {@code index}: from this member's own disk on a
   * restart (nothing changes), or sent by the leader, which replaces the file.
   */
  public void restored(long index, long inUse) {
    if (index > lastIndex) {
      lastIndex = index;
      size = inUse + PAGE;
    }
  }

  /** etcd's {@code Defrag}: the file is rewritten with only what is in use. */
  public void defragment(long inUse) {
    size = inUse + PAGE;
  }

  /** The estimated bytes in use: a fresh database plus the stored entries, in whole pages. */
  public static long inUse(long revisionBytes, int leases, int alarms) {
    long data = revisionBytes + leases * LEASE_BYTES + alarms * ALARM_BYTES;
    return FRESH_IN_USE + (data + PAGE - 1) / PAGE * PAGE;
  }

  /**
   * One stored revision of a key of {@code keySize} bytes: the revision key and the marshalled
   * KeyValue ({@code null} for a tombstone, stored as a KeyValue holding just the key, under a
   * revision key marked 't').
   */
  public static long revisionBytes(int keySize, KeyValue kv) {
    if (kv == null) {
      long value = 1 + CodedOutputStream.computeUInt32SizeNoTag(keySize) + keySize;
      return REVISION_KEY + 1 + value + ELEMENT_OVERHEAD;
    }
    return REVISION_KEY + kv.getSerializedSize() + ELEMENT_OVERHEAD;
  }
}
