package dev.fakeetcd.internal.apply;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.WireFormat;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DowngradeInfo;
import dev.fakeetcd.api.LeaseCheckpointRequest;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.rpctypes.DeepParsing;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A client request as it travels through the Raft log. The bytes are laid out like etcd's
 * {@code InternalRaftRequest} (header {@code {ID}} in field 100, {@code ID} in field 1, the request
 * in its own field), so the size compared against max-request-bytes is the size etcd compares and
 * the observed threshold is etcd's.
 */
public record RaftRequest(long id, Kind kind, ByteString request) {

  /** What the request is, by its field number in etcd's internal request. */
  public enum Kind {
    PUT(4, PutRequest.parser()), DELETE_RANGE(5, DeleteRangeRequest.parser()),
    TXN(6, TxnRequest.parser()), COMPACTION(7, CompactionRequest.parser()),
    LEASE_GRANT(8, LeaseGrantRequest.parser()), LEASE_REVOKE(9, LeaseRevokeRequest.parser()),
    ALARM(10, AlarmRequest.parser()), LEASE_CHECKPOINT(11, LeaseCheckpointRequest.parser()),
    /**
     * etcd 3.5's {@code DowngradeInfoSetRequest}, carried as {@code DowngradeInfo} (same
     * fields).
     */
    DOWNGRADE_INFO_SET(1302, DowngradeInfo.parser());

    final int field;
    private final Parser<? extends MessageLite> parser;

    Kind(int field, Parser<? extends MessageLite> parser) {
      this.field = field;
      this.parser = parser;
    }

    static Kind ofField(int field) {
      for (Kind k : values()) {
        if (k.field == field) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown internal request field " + field);
    }
  }

  private static final int HEADER_FIELD = 100;
  private static final int ID_FIELD = 1;

  public static byte[] encode(long id, Kind kind, MessageLite request) {
    int headerSize = CodedOutputStream.computeUInt64Size(ID_FIELD, id);
    int size = CodedOutputStream.computeTagSize(HEADER_FIELD)
        + CodedOutputStream.computeUInt32SizeNoTag(headerSize) + headerSize
        + CodedOutputStream.computeUInt64Size(ID_FIELD, id)
        + CodedOutputStream.computeMessageSize(kind.field, request);
    byte[] bytes = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeTag(HEADER_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(headerSize);
      out.writeUInt64(ID_FIELD, id);
      out.writeUInt64(ID_FIELD, id);
      out.writeMessage(kind.field, request);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes;
  }

  static RaftRequest decode(byte[] data) {
    CodedInputStream in = CodedInputStream.newInstance(data);
    long id = 0;
    Kind kind = null;
    ByteString request = null;
    try {
      int tag;
      while ((tag = in.readTag()) != 0) {
        int field = WireFormat.getTagFieldNumber(tag);
        if (field == ID_FIELD) {
          id = in.readUInt64();
        } else if (field == HEADER_FIELD) {
          in.skipField(tag);
        } else {
          kind = Kind.ofField(field);
          request = in.readBytes();
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an internal request", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (kind == null) {
      throw new IllegalArgumentException("internal request without a request");
    }
    return new RaftRequest(id, kind, request);
  }

  /** The request message, parsed as deep as etcd nests txns. */
  MessageLite message() throws InvalidProtocolBufferException {
    return DeepParsing.parse(kind.parser, request);
  }
}
