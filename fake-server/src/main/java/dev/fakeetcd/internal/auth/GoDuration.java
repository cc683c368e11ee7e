package dev.fakeetcd.internal.auth;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

/**
 * Go's {@code time.ParseDuration} (Go 1.19, what etcd 3.4.23 is built with), for the JWT
 * {@code ttl} option: a sign, then decimal numbers with an optional fraction, each with a unit
 * ({@code ns us µs μs ms s m h}), e.g. {@code 5m}, {@code 300s}, {@code 1h30m}, {@code 1.5h},
 * {@code -1s}; {@code 0} alone needs no unit. Errors carry Go's text.
 */
final class GoDuration {

  private static final Map<String, Long> UNITS = Map.of(
      "ns", 1L,
      "us", 1_000L,
      "\u00b5s", 1_000L,
      "\u03bcs", 1_000L,
      "ms", 1_000_000L,
      "s", 1_000_000_000L,
      "m", 60_000_000_000L,
      "h", 3_600_000_000_000L);

  /** Go sums in uint64 and accepts up to 1<<63 (the magnitude of the most negative duration). */
  private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(63);

  private GoDuration() {
  }

  /** {@code text} as Go reads it; throws {@link IllegalArgumentException} with Go's message. */
  static Duration parse(String text) {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalid(text);
    }
    BigInteger total = BigInteger.ZERO;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '.' && !isDigit(c)) {
        throw invalid(text);
      }
      int start = i;
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
      }
      boolean whole = i > start;
      BigInteger value = whole ? new BigInteger(s.substring(start, i)) : BigInteger.ZERO;
      if (value.compareTo(LIMIT) > 0) {
        throw invalid(text);
      }
      // Go keeps the fraction's digits while they fit in an int64 and drops the rest
      long fraction = 0;
      double scale = 1;
      boolean fractional = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fractionStart = i;
        boolean overflowed = false;
        while (i < s.length() && isDigit(s.charAt(i))) {
          long next = fraction * 10 + (s.charAt(i) - '0');
          if (overflowed || fraction > Long.MAX_VALUE / 10 || next < 0) {
            overflowed = true;
          } else {
            fraction = next;
            scale *= 10;
          }
          i++;
        }
        fractional = i > fractionStart;
      }
      if (!whole && !fractional) {
        throw invalid(text);
      }
      int unitStart = i;
      while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
        i++;
      }
      if (i == unitStart) {
        throw new IllegalArgumentException("time: missing unit in duration " + quote(text));
      }
      String unitName = s.substring(unitStart, i);
      Long unit = UNITS.get(unitName);
      if (unit == null) {
        throw new IllegalArgumentException(
            "time: unknown unit " + quote(unitName) + " in duration " + quote(text));
      }
      BigInteger nanos = value.multiply(BigInteger.valueOf(unit));
      if (fraction > 0) {
        nanos = nanos.add(BigInteger.valueOf((long) (fraction * (unit / scale))));
      }
      total = total.add(nanos);
      if (total.compareTo(LIMIT) > 0) {
        throw invalid(text);
      }
    }
    if (negative) {
      return Duration.ofNanos(total.negate().longValueExact());
    }
    if (total.compareTo(LIMIT) >= 0) {
      throw invalid(text);
    }
    return Duration.ofNanos(total.longValueExact());
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("time: invalid duration " + quote(text));
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
