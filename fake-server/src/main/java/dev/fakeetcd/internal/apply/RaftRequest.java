package dev.fakeetcd.internal.apply;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.WireFormat;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AuthDisableRequest;
import dev.fakeetcd.api.AuthEnableRequest;
import dev.fakeetcd.api.AuthRoleAddRequest;
import dev.fakeetcd.api.AuthRoleDeleteRequest;
import dev.fakeetcd.api.AuthRoleGetRequest;
import dev.fakeetcd.api.AuthRoleGrantPermissionRequest;
import dev.fakeetcd.api.AuthRoleListRequest;
import dev.fakeetcd.api.AuthRoleRevokePermissionRequest;
import dev.fakeetcd.api.AuthStatusRequest;
import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.AuthUserChangePasswordRequest;
import dev.fakeetcd.api.AuthUserDeleteRequest;
import dev.fakeetcd.api.AuthUserGetRequest;
import dev.fakeetcd.api.AuthUserGrantRoleRequest;
import dev.fakeetcd.api.AuthUserListRequest;
import dev.fakeetcd.api.AuthUserRevokeRoleRequest;
import dev.fakeetcd.api.InternalAuthenticateRequest;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DowngradeInfo;
import dev.fakeetcd.api.LeaseCheckpointRequest;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.auth.AuthInfo;
import dev.fakeetcd.internal.rpctypes.DeepParsing;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A client request as it travels through the Raft log. The bytes are laid out like etcd's
 * {@code InternalRaftRequest} (header {@code {ID}} in field 100, {@code ID} in field 1, the request
 * in its own field), so the size compared against max-request-bytes is the size etcd compares and
 * the observed threshold is etcd's. The header also names who proposed it (username, auth
 * revision), which the auth link of the apply chain checks.
 */
public record RaftRequest(long id, AuthInfo who, Kind kind, ByteString request) {

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
    DOWNGRADE_INFO_SET(1302, DowngradeInfo.parser()),
    AUTH_ENABLE(1000, AuthEnableRequest.parser()), AUTH_DISABLE(1011, AuthDisableRequest.parser()),
    AUTHENTICATE(1012, InternalAuthenticateRequest.parser()),
    /** etcd 3.5's AuthStatus. */
    AUTH_STATUS(1013, AuthStatusRequest.parser()),
    AUTH_USER_ADD(1100, AuthUserAddRequest.parser()),
    AUTH_USER_DELETE(1101, AuthUserDeleteRequest.parser()),
    AUTH_USER_GET(1102, AuthUserGetRequest.parser()),
    AUTH_USER_CHANGE_PASSWORD(1103, AuthUserChangePasswordRequest.parser()),
    AUTH_USER_GRANT_ROLE(1104, AuthUserGrantRoleRequest.parser()),
    AUTH_USER_REVOKE_ROLE(1105, AuthUserRevokeRoleRequest.parser()),
    AUTH_USER_LIST(1106, AuthUserListRequest.parser()),
    AUTH_ROLE_LIST(1107, AuthRoleListRequest.parser()),
    AUTH_ROLE_ADD(1200, AuthRoleAddRequest.parser()),
    AUTH_ROLE_DELETE(1201, AuthRoleDeleteRequest.parser()),
    AUTH_ROLE_GET(1202, AuthRoleGetRequest.parser()),
    AUTH_ROLE_GRANT_PERMISSION(1203, AuthRoleGrantPermissionRequest.parser()),
    AUTH_ROLE_REVOKE_PERMISSION(1204, AuthRoleRevokePermissionRequest.parser());

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
  private static final int USERNAME_FIELD = 2;
  private static final int AUTH_REVISION_FIELD = 3;

  public static byte[] encode(long id, AuthInfo who, Kind kind, MessageLite request) {
    // Proto3: fields at their default are not written, as gogo's marshaller leaves them out.
    int headerSize = CodedOutputStream.computeUInt64Size(ID_FIELD, id)
        + (who.username().isEmpty() ? 0
            : CodedOutputStream.computeStringSize(USERNAME_FIELD, who.username()))
        + (who.revision() == 0 ? 0
            : CodedOutputStream.computeUInt64Size(AUTH_REVISION_FIELD, who.revision()));
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
      if (!who.username().isEmpty()) {
        out.writeString(USERNAME_FIELD, who.username());
      }
      if (who.revision() != 0) {
        out.writeUInt64(AUTH_REVISION_FIELD, who.revision());
      }
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
    AuthInfo who = AuthInfo.NONE;
    Kind kind = null;
    ByteString request = null;
    try {
      int tag;
      while ((tag = in.readTag()) != 0) {
        int field = WireFormat.getTagFieldNumber(tag);
        if (field == ID_FIELD) {
          id = in.readUInt64();
        } else if (field == HEADER_FIELD) {
          who = readHeader(in.readBytes());
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
    return new RaftRequest(id, who, kind, request);
  }

  private static AuthInfo readHeader(ByteString header) throws IOException {
    CodedInputStream in = header.newCodedInput();
    String username = "";
    long revision = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case USERNAME_FIELD -> username = in.readString();
        case AUTH_REVISION_FIELD -> revision = in.readUInt64();
        default -> in.skipField(tag);
      }
    }
    return new AuthInfo(username, revision);
  }

  /** The request message, parsed as deep as etcd nests txns. */
  MessageLite message() throws InvalidProtocolBufferException {
    return DeepParsing.parse(kind.parser, request);
  }
}
