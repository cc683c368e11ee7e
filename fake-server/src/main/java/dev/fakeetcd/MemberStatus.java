package dev.fakeetcd;

/**
 * What one member looked like at an instant, for assertions and failure reports.
 *
 * @param role {@code LEADER}, {@code FOLLOWER}, {@code CANDIDATE}, {@code PRE_CANDIDATE}, or
 *     {@code DOWN} for a crashed member (then term, applied index and revision are 0)
 * @param paused whether the member is paused (it keeps its role)
 */
public record MemberStatus(Member member, String role, boolean paused, long term,
    long appliedIndex, long revision) {

  /** Whether the member is running (paused or not). */
  public boolean isUp() {
    return !"DOWN".equals(role);
  }

  @Override
  public String toString() {
    return member + " " + role
        + (paused ? " (paused)" : "") + " term=" + term + " applied=" + appliedIndex
        + " revision=" + revision;
  }
}
