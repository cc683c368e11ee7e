package dev.fakeetcd.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembershipTest {

  @Test
  void memberId_isSha1PrefixOfSortedUrlsAndSeconds() {
    // SHA-1("http://a:1" + "http://b:2" + "1735689600"), first 8 bytes big endian.
    assertThat(Membership.memberId(List.of("http://a:1", "http://b:2"), 1_735_689_600L))
        .isEqualTo(-5767109725946240056L);
  }
}
