package dev.fakeetcd.internal.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each case as etcd 3.4.23 (Go 1.19) answered MemberAdd with it. */
class PeerUrlsTest {

  private static List<String> parsed(String... urls) {
    return PeerUrls.parse(List.of(urls)).orElse(null);
  }

  @Test
  void parse_normalisesAsGoWritesUrlsBack() {
    String[][] cases = {
        {"HTTP://10.79.0.2:2380", "http://10.79.0.2:2380"},
        {" \thttp://10.79.0.3:2380\n", "http://10.79.0.3:2380"},
        {"\u00a0http://h:34\u00a0", "http://h:34"},
        {"HtTpS://Host.Example:3", "https://Host.Example:3"},
        {"unix://foo:1", "unix://foo:1"},
        {"unixs://foo:2", "unixs://foo:2"},
        {"http://h:", "http://h:"},
        {"http://:2380", "http://:2380"},
        {"http://h:99999", "http://h:99999"},
        {"http://h:0025", "http://h:0025"},
        {"http://h_x:20", "http://h_x:20"},
        {"http://u:p@h:4", "http://u:p@h:4"},
        {"HTTP://u@h:31", "http://u@h:31"},
        {"http://@h:39", "http://@h:39"},
        {"http://h:5?a=b", "http://h:5?a=b"},
        {"http://h:11?", "http://h:11?"},
        {"http://h:21?x y", "http://h:21?x y"},
        {"http://h:29?%zz", "http://h:29?%zz"},
        {"http://h:44?\u00e9", "http://h:44?\u00e9"},
        {"http://h:6#frag", "http://h:6#frag"},
        {"http://h:12#", "http://h:12"},
        {"http://h:41?a#b c", "http://h:41?a#b%20c"},
        {"http://[::1]:2381", "http://[::1]:2381"},
        {"http://[fe80::1%25en0]:23", "http://[fe80::1%25en0]:23"},
        {"http://\u00e9:10", "http://%C3%A9:10"},
        {"http://h\u00a0:33", "http://h%C2%A0:33"},
    };
    for (String[] c : cases) {
      assertThat(parsed(c[0])).as(c[0]).containsExactly(c[1]);
    }
  }

  @Test
  void parse_rejectsWhatEtcdRejects() {
    for (String bad : List.of("", "http://10.79.0.5:2380/", "http://10.79.0.6", "10.79.0.7:2380",
        "ftp://h:7", "http:h:14", "http:///h:15", "http://h:13/a", "http://h:27/%zz",
        "http://h:abc", "http://h:+24", "http://h:22%41", "http://h:32 x", "http://h:37:38",
        "http://::1:2380", "http://[::1]x:35", "http://[::1:36", "http://h h:8",
        "http://h%20h:9", "http://%41:28", "http://H%2e:43", "http://h{:40", "http://h:42\\",
        "http://a\u0001:26", "http://h:30#%zz", "%")) {
      assertThat(parsed(bad)).as(bad).isNull();
    }
  }

  @Test
  void parse_noUrls_isRefused() {
    assertThat(PeerUrls.parse(List.of())).isEmpty();
  }

  @Test
  void parse_sortsBytewiseAndKeepsDuplicates() {
    assertThat(parsed("http://h:16", "http://a:17", "http://H:18", "http://a:17"))
        .containsExactly("http://H:18", "http://a:17", "http://a:17", "http://h:16");
  }
}
