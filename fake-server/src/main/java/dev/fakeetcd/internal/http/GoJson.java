package dev.fakeetcd.internal.http;

/**
 * The parts of Go's {@code encoding/json} whose words etcd's gateway answers with: its decoder's
 * syntax errors ({@code invalid character 'b' looking for beginning of object key string}, {@code
 * unexpected EOF}) and its string quoting.
 */
final class GoJson {

  /** A request body Go's decoder refuses; the message is Go's. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  private final String text;
  private int pos;

  private GoJson(String text, int pos) {
    this.text = text;
    this.pos = pos;
  }

  /**
   * The end of the JSON value that starts at or after {@code from} (after whitespace), as one call
   * of Go's {@code json.Decoder.Decode} reads it; -1 if only whitespace is left (Go's {@code
   * io.EOF}).
   */
  static int valueEnd(String text, int from) throws SyntaxError {
    GoJson scanner = new GoJson(text, from);
    scanner.skipSpace();
    if (scanner.pos == text.length()) {
      return -1;
    }
    scanner.value();
    return scanner.pos;
  }

  /**
   * Checks {@code text} as Go's {@code json.Unmarshal} does before decoding: one value and
   * nothing after it but whitespace.
   */
  static void checkValid(String text) throws SyntaxError {
    GoJson scanner = new GoJson(text, 0);
    try {
      scanner.skipSpace();
      scanner.value();
    } catch (SyntaxError e) {
      // Unmarshal has the whole input: a value cut short ends the input, not a stream.
      throw "unexpected EOF".equals(e.getMessage())
          ? new SyntaxError("unexpected end of JSON input") : e;
    }
    scanner.skipSpace();
    if (scanner.pos < text.length()) {
      throw invalid(text.charAt(scanner.pos), "after top-level value");
    }
  }

  private void value() throws SyntaxError {
    char c = next("looking for beginning of value");
    switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || isDigit(c)) {
          number(c);
        } else {
          throw invalid(c, "looking for beginning of value");
        }
      }
    }
  }

  private void object() throws SyntaxError {
    skipSpace();
    char c = next("looking for beginning of object key string");
    if (c == '}') {
      return;
    }
    while (true) {
      if (c != '"') {
        throw invalid(c, "looking for beginning of object key string");
      }
      string();
      skipSpace();
      c = next("after object key");
      if (c != ':') {
        throw invalid(c, "after object key");
      }
      skipSpace();
      value();
      skipSpace();
      c = next("after object key:value pair");
      if (c == '}') {
        return;
      }
      if (c != ',') {
        throw invalid(c, "after object key:value pair");
      }
      skipSpace();
      c = next("looking for beginning of object key string");
    }
  }

  private void array() throws SyntaxError {
    skipSpace();
    if (peekIs(']')) {
      pos++;
      return;
    }
    while (true) {
      skipSpace();
      value();
      skipSpace();
      char c = next("after array element");
      if (c == ']') {
        return;
      }
      if (c != ',') {
        throw invalid(c, "after array element");
      }
    }
  }

  private void string() throws SyntaxError {
    while (true) {
      char c = next("in string literal");
      if (c == '"') {
        return;
      }
      if (c < 0x20) {
        throw invalid(c, "in string literal");
      }
      if (c == '\\') {
        char e = next("in string escape code");
        if (e == 'u') {
          for (int i = 0; i < 4; i++) {
            char h = next("in \\u hexadecimal character escape");
            if (Character.digit(h, 16) < 0 || h > 'f') {
              throw invalid(h, "in \\u hexadecimal character escape");
            }
          }
        } else if ("\"\\/bfnrt".indexOf(e) < 0) {
          throw invalid(e, "in string escape code");
        }
      }
    }
  }

  private void number(char first) throws SyntaxError {
    char c = first;
    if (c == '-') {
      c = next("in numeric literal");
      if (!isDigit(c)) {
        throw invalid(c, "in numeric literal");
      }
    }
    if (c != '0') {
      digits();
    }
    if (peekIs('.')) {
      pos++;
      char d = next("after decimal point in numeric literal");
      if (!isDigit(d)) {
        throw invalid(d, "after decimal point in numeric literal");
      }
      digits();
    }
    if (peekIs('e') || peekIs('E')) {
      pos++;
      char e = next("in exponent of numeric literal");
      if (e == '+' || e == '-') {
        e = next("in exponent of numeric literal");
      }
      if (!isDigit(e)) {
        throw invalid(e, "in exponent of numeric literal");
      }
      digits();
    }
  }

  private void digits() {
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
  }

  private void literal(String word) throws SyntaxError {
    for (int i = 1; i < word.length(); i++) {
      String context = "in literal " + word + " (expecting '" + word.charAt(i) + "')";
      char c = next(context);
      if (c != word.charAt(i)) {
        throw invalid(c, context);
      }
    }
  }

  private char next(String context) throws SyntaxError {
    if (pos == text.length()) {
      // The decoder reads a stream: a value cut short is io.ErrUnexpectedEOF, whatever the state.
      throw new SyntaxError("unexpected EOF");
    }
    return text.charAt(pos++);
  }

  private boolean peekIs(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void skipSpace() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static SyntaxError invalid(char c, String context) {
    return new SyntaxError("invalid character " + quoteChar(c) + " " + context);
  }

  /** Go's {@code quoteChar}: the character in single quotes, escaped as {@code strconv.Quote}. */
  static String quoteChar(char c) {
    if (c == '\'') {
      return "'\\''";
    }
    if (c == '"') {
      return "'\"'";
    }
    String quoted = switch (c) {
      case 7 -> "\\a";
      case '\b' -> "\\b";
      case '\f' -> "\\f";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      case 11 -> "\\v";
      case '\\' -> "\\\\";
      default -> {
        if (c < 0x20 || c == 0x7f) {
          yield String.format("\\x%02x", (int) c);
        }
        if (c >= 0x80 && c <= 0xa0 || c == 0xad) {
          yield String.format("\\u%04x", (int) c);
        }
        yield String.valueOf(c);
      }
    };
    return "'" + quoted + "'";
  }

  /**
   * {@code s} as Go's {@code json.Marshal} writes a string: quoted, with {@code <>&}, U+2028 and
   * U+2029 and control characters other than {@code \n \r \t} as {@code \}{@code u00XX}.
   */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
