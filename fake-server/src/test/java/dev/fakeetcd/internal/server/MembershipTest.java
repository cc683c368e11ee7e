package dev.fakeetcd.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembershipTest {

  @Test
  void memberId_isSha1PrefixOfSortedUrlsAndSeconds() {
    // SHA-1("http://a:1" + "http://b:2" + "1735689600"), first 8 bytes big endian.
    assertThat(Membership.memberId(List.of("http://a:1", "http://b:2"), 1_735_689_600L))
        .isEqualTo(-5767109725946240056L);
  }

  @Test
  void parseUrls_sortsThem() {
    assertThat(Membership.parseUrls(List.of("https://b:2", "http://a:1")))
        .containsExactly("http://a:1", "https://b:2");
  }

  @Test
  void parseUrls_rejectsWhatGoRejects() {
    for (List<String> bad : List.of(List.<String>of(), List.of("10.0.0.1:2380"),
        List.of("unix://x:1"), List.of("http://x"), List.of("http://x:1/path"), List.of("%"))) {
      EtcdException e = catchThrowableOfType(EtcdException.class, () -> Membership.parseUrls(bad));
      assertThat(e).as("%s", bad).isNotNull();
      assertThat(e.getMessage()).contains(EtcdError.MEMBER_BAD_URLS.message());
    }
  }
}
