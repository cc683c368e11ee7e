package dev.fakeetcd.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.PutRequest;
import org.junit.jupiter.api.Test;

class RaftRequestTest {

  @Test
  void decode_returnsWhatWasEncoded() {
    PutRequest put = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build();

    RaftRequest decoded = RaftRequest.decode(RaftRequest.encode(-5L, RaftRequest.Kind.PUT, put));

    assertThat(decoded.id()).isEqualTo(-5L);
    assertThat(decoded.kind()).isEqualTo(RaftRequest.Kind.PUT);
    assertThat(decoded.request()).isEqualTo(put.toByteString());
  }
}
