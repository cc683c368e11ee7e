package dev.fakeetcd.internal.membership;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * etcd's {@code types.NewURLs} (pkg/types/urls.go, 3.4), which MemberAdd and each member's peer
 * transport run on peer URLs: each is trimmed of Unicode white space and parsed as Go's
 * {@code net/url.Parse} (Go 1.19) does; its scheme must be http, https, unix or unixs, its host
 * pass {@code net.SplitHostPort}, its path be empty. The result is each URL as Go's
 * {@code URL.String} writes it back (scheme lower-cased, non-ASCII host bytes escaped, ...),
 * sorted bytewise. This port covers what such URLs can hold: an authority after {@code //}, a raw
 * query and a fragment; every other shape fails as in Go.
 */
public final class PeerUrls {

  private PeerUrls() {}

  /** The normalised, sorted URLs, or empty if {@code raw} is empty or any URL is invalid. */
  public static Optional<List<String>> parse(List<String> raw) {
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    List<byte[]> urls = new ArrayList<>();
    for (String s : raw) {
      byte[] url = normalise(trimSpace(s).getBytes(StandardCharsets.UTF_8));
      if (url == null) {
        return Optional.empty();
      }
      urls.add(url);
    }
    urls.sort(Arrays::compareUnsigned);
    return Optional.of(urls.stream().map(u -> new String(u, StandardCharsets.UTF_8)).toList());
  }

  /** Go's strings.TrimSpace: Unicode White_Space, which is not Java's isWhitespace. */
  private static String trimSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  private static boolean isSpace(char c) {
    return switch (c) {
      case '\t', '\n', 0x0b, '\f', '\r', ' ', 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f,
          0x3000 -> true;
      default -> c >= 0x2000 && c <= 0x200a;
    };
  }

  /** One URL as NewURLs accepts and Go writes it back, or null if NewURLs refuses it. */
  private static byte[] normalise(byte[] url) {
    int hash = indexOf(url, '#', 0, url.length);
    int end = hash < 0 ? url.length : hash;
    for (int i = 0; i < end; i++) {
      if (url[i] < ' ' && url[i] >= 0 || url[i] == 0x7f) {
        return null; // "net/url: invalid control character in URL"
      }
    }
    int colon = schemeEnd(url, end);
    if (colon < 0) {
      return null;
    }
    String scheme = new String(url, 0, colon, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    if (!List.of("http", "https", "unix", "unixs").contains(scheme)) {
      return null;
    }
    // The query: a single '?' at the end is kept (ForceQuery), else everything after the first.
    int rest = colon + 1;
    int question = indexOf(url, '?', rest, end);
    int restEnd = question < 0 ? end : question;
    // Without "//" there is no host; a "/" after the authority is a path: both fail NewURLs.
    if (restEnd - rest < 2 || url[rest] != '/' || url[rest + 1] != '/'
        || indexOf(url, '/', rest + 2, restEnd) >= 0) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(scheme.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[] {':', '/', '/'});
    if (!authority(Arrays.copyOfRange(url, rest + 2, restEnd), out)) {
      return null;
    }
    if (question >= 0) {
      out.write('?');
      out.write(url, question + 1, end - question - 1);
    }
    if (hash >= 0) {
      byte[] fragment = Arrays.copyOfRange(url, hash + 1, url.length);
      byte[] decoded = unescape(fragment, Mode.FRAGMENT);
      if (decoded == null) {
        return null;
      }
      if (decoded.length > 0) {
        out.write('#');
        out.writeBytes(validEncoded(fragment) ? fragment : escape(decoded, Mode.FRAGMENT));
      }
    }
    return out.toByteArray();
  }

  /** Go's getScheme: the index of the colon ending a scheme, or -1. */
  private static int schemeEnd(byte[] url, int end) {
    for (int i = 0; i < end; i++) {
      byte c = url[i];
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
        continue;
      }
      if ((c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') && i > 0) {
        continue;
      }
      return c == ':' && i > 0 ? i : -1;
    }
    return -1;
  }

  /** Go's parseAuthority, then net.SplitHostPort on the host; writes user@host back. */
  private static boolean authority(byte[] authority, ByteArrayOutputStream out) {
    int at = lastIndexOf(authority, '@', authority.length);
    byte[] host = parseHost(Arrays.copyOfRange(authority, at + 1, authority.length));
    if (host == null || !splitsHostPort(host)) {
      return false;
    }
    if (at >= 0) {
      byte[] userinfo = Arrays.copyOfRange(authority, 0, at);
      if (!validUserinfo(userinfo)) {
        return false;
      }
      int colon = indexOf(userinfo, ':', 0, userinfo.length);
      byte[] user = unescape(colon < 0 ? userinfo : Arrays.copyOf(userinfo, colon), Mode.USER);
      byte[] password = colon < 0 ? new byte[0]
          : unescape(Arrays.copyOfRange(userinfo, colon + 1, userinfo.length), Mode.USER);
      if (user == null || password == null) {
        return false;
      }
      out.writeBytes(escape(user, Mode.USER));
      if (colon >= 0) {
        out.write(':');
        out.writeBytes(escape(password, Mode.USER));
      }
      out.write('@');
    }
    out.writeBytes(escape(host, Mode.HOST));
    return true;
  }

  private static boolean validUserinfo(byte[] userinfo) {
    for (byte c : userinfo) {
      if (!(isAlnum(c) || "-._:~!$&'()*+,;=%@".indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /** Go's parseHost: the port must be digits; the host unescaped (a zone after "%25" apart). */
  private static byte[] parseHost(byte[] host) {
    if (host.length > 0 && host[0] == '[') {
      int close = lastIndexOf(host, ']', host.length);
      if (close < 0 || !validOptionalPort(host, close + 1)) {
        return null;
      }
      int zone = indexOf(host, "%25", close);
      if (zone >= 0) {
        byte[] before = unescape(Arrays.copyOf(host, zone), Mode.HOST);
        byte[] zoned = unescape(Arrays.copyOfRange(host, zone, close), Mode.ZONE);
        byte[] after = unescape(Arrays.copyOfRange(host, close, host.length), Mode.HOST);
        if (before == null || zoned == null || after == null) {
          return null;
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(before);
        all.writeBytes(zoned);
        all.writeBytes(after);
        return all.toByteArray();
      }
    } else {
      int colon = lastIndexOf(host, ':', host.length);
      if (colon >= 0 && !validOptionalPort(host, colon)) {
        return null;
      }
    }
    return unescape(host, Mode.HOST);
  }

  private static boolean validOptionalPort(byte[] host, int from) {
    if (from == host.length) {
      return true;
    }
    if (host[from] != ':') {
      return false;
    }
    for (int i = from + 1; i < host.length; i++) {
      if (host[i] < '0' || host[i] > '9') {
        return false;
      }
    }
    return true;
  }

  /** Go's net.SplitHostPort succeeds: "host:port" or "[host]:port", the port possibly empty. */
  private static boolean splitsHostPort(byte[] hostport) {
    int colon = lastIndexOf(hostport, ':', hostport.length);
    if (colon < 0) {
      return false;
    }
    int from = 0;
    int closeFrom = 0;
    if (hostport[0] == '[') {
      int close = indexOf(hostport, ']', 0, hostport.length);
      if (close + 1 != colon) { // also: no ']', nothing or not the last colon after it
        return false;
      }
      from = 1;
      closeFrom = close + 1;
    } else if (indexOf(hostport, ':', 0, colon) >= 0) {
      return false;
    }
    return indexOf(hostport, '[', from, hostport.length) < 0
        && indexOf(hostport, ']', closeFrom, hostport.length) < 0;
  }

  // ---- Go's net/url escaping ----

  private enum Mode { HOST, ZONE, USER, FRAGMENT }

  private static boolean isAlnum(byte c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  /** Go's shouldEscape, for the modes used here. */
  private static boolean shouldEscape(byte c, Mode mode) {
    if (isAlnum(c)) {
      return false;
    }
    if ((mode == Mode.HOST || mode == Mode.ZONE) && "!$&'()*+,;=:[]<>\"".indexOf(c) >= 0) {
      return false;
    }
    if ("-_.~".indexOf(c) >= 0) {
      return false;
    }
    if ("$&+,/:;=?@".indexOf(c) >= 0) {
      return switch (mode) {
        case USER -> c == '@' || c == '/' || c == '?' || c == ':';
        case FRAGMENT -> false;
        default -> true;
      };
    }
    return mode != Mode.FRAGMENT || "!()*".indexOf(c) < 0;
  }

  /** Go's unescape; null where it fails. */
  private static byte[] unescape(byte[] s, Mode mode) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length; ) {
      byte c = s[i];
      if (c == '%') {
        if (i + 2 >= s.length || unhex(s[i + 1]) < 0 || unhex(s[i + 2]) < 0) {
          return null;
        }
        boolean percent = s[i + 1] == '2' && s[i + 2] == '5';
        int v = unhex(s[i + 1]) << 4 | unhex(s[i + 2]);
        // Hosts escape only non-ASCII bytes; zones only bytes they could hold unescaped.
        if (mode == Mode.HOST && unhex(s[i + 1]) < 8 && !percent
            || mode == Mode.ZONE && !percent && v != ' ' && shouldEscape((byte) v, Mode.HOST)) {
          return null;
        }
        out.write(v);
        i += 3;
      } else {
        if ((mode == Mode.HOST || mode == Mode.ZONE) && c >= 0 && shouldEscape(c, mode)) {
          return null;
        }
        out.write(c);
        i++;
      }
    }
    return out.toByteArray();
  }

  private static byte[] escape(byte[] s, Mode mode) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte c : s) {
      if (shouldEscape(c, mode)) {
        out.write('%');
        out.write("0123456789ABCDEF".charAt((c >> 4) & 0xf));
        out.write("0123456789ABCDEF".charAt(c & 0xf));
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  /** Go's validEncoded for a fragment: written back as given when this holds. */
  private static boolean validEncoded(byte[] s) {
    for (byte c : s) {
      if ("!$&'()*+,;=:@[]%".indexOf(c) < 0 && shouldEscape(c, Mode.FRAGMENT)) {
        return false;
      }
    }
    return true;
  }

  private static int unhex(byte c) {
    return c < 0 ? -1 : Character.digit(c, 16);
  }

  private static int indexOf(byte[] s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] s, String text, int to) {
    byte[] t = text.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + t.length <= to; i++) {
      if (Arrays.equals(s, i, i + t.length, t, 0, t.length)) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] s, char c, int to) {
    for (int i = to - 1; i >= 0; i--) {
      if (s[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
