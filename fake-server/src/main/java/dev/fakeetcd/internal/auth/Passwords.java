package dev.fakeetcd.internal.auth;

/** bcrypt password hashes as etcd stores them ({@code $2a$<cost>$...}). */
public final class Passwords {

  /** etcd's default {@code --bcrypt-cost}. */
  public static final int DEFAULT_COST = 10;

  private Passwords() {
  }

  /** etcd's rule: a cost outside bcrypt's 4..31 falls back to {@link #DEFAULT_COST}. */
  public static int effectiveCost(int cost) {
    throw new UnsupportedOperationException("not yet");
  }

  /** The bcrypt hash of {@code password} at {@code cost} with the 16-byte {@code salt}. */
  public static String hash(String password, int cost, byte[] salt) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Whether {@code password} matches {@code hash}; slow by design, never under the lock. */
  public static boolean matches(String password, String hash) {
    throw new UnsupportedOperationException("not yet");
  }
}
