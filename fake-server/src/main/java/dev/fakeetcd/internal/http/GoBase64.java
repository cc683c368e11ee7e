package dev.fakeetcd.internal.http;

/**
 * Go's {@code base64.StdEncoding.DecodeString}, which decodes the gateway's {@code bytes} fields:
 * padded standard base64, CR and LF skipped, an error naming the offset of the first bad byte.
 */
final class GoBase64 {

  private GoBase64() {}

  /** The offset Go's {@code CorruptInputError} names for {@code s}, or -1 if it decodes. */
  static int firstError(String s) {
    int si = 0;
    while (si < s.length()) {
      int[] quantum = quantum(s, si);
      if (quantum[1] >= 0) {
        return quantum[1];
      }
      if (quantum[0] < 0) {
        return -1;
      }
      si = quantum[0];
    }
    return -1;
  }

  /** Go's {@code decodeQuantum}: {next index or -1 when done, error offset or -1}. */
  private static int[] quantum(String s, int si) {
    for (int j = 0; j < 4; j++) {
      if (si == s.length()) {
        // Mid-quantum end of input: StdEncoding pads, so anything but a whole quantum is an error.
        return j == 0 ? new int[] {-1, -1} : new int[] {-1, si - j};
      }
      char in = s.charAt(si++);
      if (isAlphabet(in)) {
        continue;
      }
      if (in == '\n' || in == '\r') {
        j--;
        continue;
      }
      if (in != '=') {
        return new int[] {-1, si - 1};
      }
      if (j < 2) {
        return new int[] {-1, si - 1};
      }
      if (j == 2) {
        si = skipNewlines(s, si);
        if (si == s.length()) {
          return new int[] {-1, s.length()};
        }
        if (s.charAt(si) != '=') {
          return new int[] {-1, si - 1};
        }
        si++;
      }
      si = skipNewlines(s, si);
      return new int[] {-1, si < s.length() ? si : -1};
    }
    return new int[] {si, -1};
  }

  private static int skipNewlines(String s, int si) {
    while (si < s.length() && (s.charAt(si) == '\n' || s.charAt(si) == '\r')) {
      si++;
    }
    return si;
  }

  private static boolean isAlphabet(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+'
        || c == '/';
  }
}
