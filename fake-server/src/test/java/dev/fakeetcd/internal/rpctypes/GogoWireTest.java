package dev.fakeetcd.internal.rpctypes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.RangeRequest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * What the conformance suite cannot show: the copy protobuf-java gets, and inputs that crash
 * etcd 3.4.23 (a slice bound or index out of range in rpc.pb.go), refused here instead.
 */
class GogoWireTest {

  @Test
  void decodable_wellFormed_returnsTheSameBytes() throws Exception {
    byte[] range = RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("a"))
        .setLimit(3).build().toByteArray();

    assertThat(GogoWire.decodable(RangeRequest.getDescriptor(), range)).isSameAs(range);
  }

  @Test
  void decodable_invalidUtf8InAStringField_parsesWithTheBytesReplaced() throws Exception {
    byte[] copy = GogoWire.decodable(MemberAddRequest.getDescriptor(), bytes("0a03 ff6162 1001"));

    MemberAddRequest request = MemberAddRequest.parseFrom(copy);
    assertThat(request.getPeerURLsList()).containsExactly("\uFFFDab");
    assertThat(request.getIsLearner()).isTrue();
  }

  @Test
  void decodable_unknownGroupClosedByAnotherField_dropsTheGroup() throws Exception {
    byte[] copy = GogoWire.decodable(RangeRequest.getDescriptor(), bytes("0a0161 f301 0c 1803"));

    RangeRequest request = RangeRequest.parseFrom(copy);
    assertThat(request.getKey().toStringUtf8()).isEqualTo("a");
    assertThat(request.getLimit()).isEqualTo(3);
    assertThat(request.getUnknownFields().asMap()).isEmpty();
  }

  @Test
  void decodable_lengthOverflowingPastTheEnd_failsNegativeLength() {
    assertThatThrownBy(() -> GogoWire.decodable(RangeRequest.getDescriptor(),
        bytes("0a ffffffffffffffff7f")))
        .hasMessage("proto: negative length found during unmarshaling");
  }

  @Test
  void decodable_groupHoldingAnOverflowingLength_failsNegativeLength() {
    assertThatThrownBy(() -> GogoWire.decodable(RangeRequest.getDescriptor(),
        bytes("0a0161 f301 fa01ffffffffffffffff7f")))
        .hasMessage("proto: negative length found during unmarshaling");
  }

  @Test
  void goName_camelCasesAsProtocGenGo() {
    assertThat(GogoWire.goName("range_end")).isEqualTo("RangeEnd");
    assertThat(GogoWire.goName("peerURLs")).isEqualTo("PeerURLs");
    assertThat(GogoWire.goName("TTL")).isEqualTo("TTL");
  }

  private static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }
}
