package dev.fakeetcd.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.HashKVResponse;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.ResponseHeader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The campaign's convergence check fails on members that diverged (built by hand). */
class ChecksTest {

  @Test
  void diverged_sameContentsAndHash_isEmpty() {
    assertThat(Checks.diverged(List.of(state("m1", "v", 7, 5), state("m2", "v", 7, 5))))
        .isEmpty();
  }

  @Test
  void diverged_memberHoldsAnotherValue_namesBothMembers() {
    assertThat(Checks.diverged(List.of(state("m1", "v", 7, 5), state("m2", "w", 7, 5))))
        .singleElement().asString().startsWith("m2 holds").contains("but m1 holds");
  }

  @Test
  void diverged_sameContentsOtherHash_namesTheHashes() {
    assertThat(Checks.diverged(List.of(state("m1", "v", 7, 5), state("m2", "v", 8, 5))))
        .singleElement().asString()
        .isEqualTo("m2 HashKV is 8 at revision 5 (compacted at 0), m1's 7 at revision 5"
            + " (compacted at 0)");
  }

  @Test
  void diverged_memberBehindInRevision_isNamed() {
    assertThat(Checks.diverged(List.of(state("m1", "v", 7, 5), state("m2", "v", 7, 4))))
        .singleElement().asString().startsWith("m2 HashKV is 7 at revision 4");
  }

  private static Checks.MemberState state(String member, String value, int hash, long revision) {
    KeyValue kv = KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k"))
        .setValue(ByteString.copyFromUtf8(value)).setModRevision(2).setCreateRevision(2)
        .setVersion(1).build();
    return new Checks.MemberState(member, List.of(kv), HashKVResponse.newBuilder().setHash(hash)
        .setHeader(ResponseHeader.newBuilder().setRevision(revision)).build());
  }
}
