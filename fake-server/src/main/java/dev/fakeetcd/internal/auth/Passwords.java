package dev.fakeetcd.internal.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import java.nio.charset.StandardCharsets;

/**
 * bcrypt password hashes as etcd stores them ({@code $2a$<cost>$...}), compatible both ways with
 * the hashes of etcd 3.4's {@code golang.org/x/crypto/bcrypt}: that version hashes the UTF-8 bytes
 * and silently uses only the first 72 of them, so this class does too (instead of the library's
 * default of refusing long passwords).
 */
public final class Passwords {

  /** etcd's default {@code --bcrypt-cost}. */
  public static final int DEFAULT_COST = 10;

  private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2A;
  private static final BCrypt.Verifyer VERIFYER =
      BCrypt.verifyer(null, LongPasswordStrategies.truncate(VERSION));

  private Passwords() {
  }

  /** etcd's rule: a cost outside bcrypt's 4..31 falls back to {@link #DEFAULT_COST}. */
  public static int effectiveCost(int cost) {
    return cost < BCrypt.MIN_COST || cost > BCrypt.MAX_COST ? DEFAULT_COST : cost;
  }

  /**
   * The bcrypt hash of {@code password} at {@code cost} (4..31) with the 16-byte {@code salt}:
   * the same salt gives the same hash, so a seeded salt keeps the simulation reproducible.
   */
  public static String hash(String password, int cost, byte[] salt) {
    byte[] hash = BCrypt.with(VERSION, LongPasswordStrategies.truncate(VERSION))
        .hash(cost, salt, password.getBytes(StandardCharsets.UTF_8));
    return new String(hash, StandardCharsets.US_ASCII);
  }

  /**
   * Whether {@code password} matches {@code hash} ({@code $2a$}, {@code $2b$} or {@code $2y$});
   * false for a malformed hash, as Go's {@code CompareHashAndPassword} fails on one. Slow by
   * design, never under the lock.
   */
  public static boolean matches(String password, String hash) {
    try {
      return VERIFYER.verify(password.getBytes(StandardCharsets.UTF_8),
          hash.getBytes(StandardCharsets.UTF_8)).verified;
    } catch (IllegalArgumentException e) {
      // the parser accepts what the hasher then refuses, e.g. a cost outside 4..31
      return false;
    }
  }
}
