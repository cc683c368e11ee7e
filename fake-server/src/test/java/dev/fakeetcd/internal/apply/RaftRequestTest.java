package dev.fakeetcd.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.internal.auth.AuthInfo;
import org.junit.jupiter.api.Test;

class RaftRequestTest {

  @Test
  void decode_returnsWhatWasEncoded() {
    PutRequest put = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build();

    RaftRequest decoded = RaftRequest.decode(
        RaftRequest.encode(-5L, new AuthInfo("alice", 7), RaftRequest.Kind.PUT, put));

    assertThat(decoded.id()).isEqualTo(-5L);
    assertThat(decoded.who()).isEqualTo(new AuthInfo("alice", 7));
    assertThat(decoded.kind()).isEqualTo(RaftRequest.Kind.PUT);
    assertThat(decoded.request()).isEqualTo(put.toByteString());
  }

  @Test
  void encode_withoutUserWritesNoUserFields() {
    PutRequest put = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build();

    byte[] anonymous = RaftRequest.encode(1, AuthInfo.NONE, RaftRequest.Kind.PUT, put);
    byte[] named = RaftRequest.encode(1, new AuthInfo("u", 2), RaftRequest.Kind.PUT, put);

    // "u" as field 2 (3 bytes) and revision 2 as field 3 (2 bytes), as etcd's header carries them.
    assertThat(named.length - anonymous.length).isEqualTo(5);
    assertThat(RaftRequest.decode(anonymous).who()).isEqualTo(AuthInfo.NONE);
  }
}
