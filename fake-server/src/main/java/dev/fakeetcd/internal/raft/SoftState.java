package dev.fakeetcd.internal.raft;

/**
 * Volatile state reported in a {@link Ready} when it changes: the known leader (0 if none) and this
 * node's role.
 */
public record SoftState(long leaderId, Role role) {

  public SoftState {
    if (role == null) {
      throw new IllegalArgumentException("role");
    }
  }
}
