package dev.fakeetcd.internal.membership;

import dev.fakeetcd.internal.rpctypes.EtcdError;
import java.util.regex.Pattern;

/**
 * The version rules of etcd 3.5's Downgrade, applied to the fake's cluster version (the major and
 * minor of {@link #VERSION}): the only allowed target is the previous minor version.
 */
public final class Downgrade {

  /** go-semver's pre-release and metadata identifiers. */
  private static final Pattern IDENTIFIER = Pattern.compile("[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*");
  /**
   * What Go's {@code strconv.ParseInt(s, 10, 64)} takes, before its range check, once go-semver
   * has split off everything after a {@code +} or {@code -} (so no sign is left).
   */
  private static final Pattern GO_DECIMAL = Pattern.compile("[0-9]+");

  /** A cluster version: etcd keeps major and minor only. */
  public record Version(long major, long minor) {

    /** As etcd prints it (go-semver, patch 0), e.g. {@code 3.4.0}. */
    @Override
    public String toString() {
      return major + "." + minor + ".0";
    }
  }

  /** The server version the fake claims to run: one etcd clients accept. */
  public static final String VERSION = "3.4.23";

  /** The cluster version of a cluster whose members all run the fake. */
  public static final Version CLUSTER = parse(VERSION);

  private Downgrade() {}

  /**
   * etcd's {@code convertToClusterVersion}: a full semantic version, or {@code major.minor};
   * anything else fails with {@code wrong downgrade target version format}.
   */
  public static Version target(String version) {
    Version v = parse(version);
    if (v == null) {
      v = parse(version + ".0");
    }
    if (v == null) {
      throw EtcdError.WRONG_DOWNGRADE_VERSION_FORMAT.toException();
    }
    return v;
  }

  /** etcd's {@code AllowedDowngradeVersion}: one minor version below the cluster's. */
  public static void requireAllowed(Version target) {
    if (!target.equals(new Version(CLUSTER.major(), CLUSTER.minor() - 1))) {
      throw EtcdError.INVALID_DOWNGRADE_TARGET_VERSION.toException();
    }
  }

  /** go-semver's {@code NewVersion}, truncated to major and minor; null where it fails. */
  private static Version parse(String text) {
    String version = text;
    String metadata = "";
    int plus = version.indexOf('+');
    if (plus >= 0) {
      metadata = version.substring(plus + 1);
      version = version.substring(0, plus);
    }
    String preRelease = "";
    int dash = version.indexOf('-');
    if (dash >= 0) {
      preRelease = version.substring(dash + 1);
      version = version.substring(0, dash);
    }
    String[] parts = version.split("\\.", 3);
    if (parts.length != 3 || !isIdentifier(preRelease) || !isIdentifier(metadata)) {
      return null;
    }
    long[] numbers = new long[3];
    for (int i = 0; i < 3; i++) {
      if (!GO_DECIMAL.matcher(parts[i]).matches()) {
        return null;
      }
      try {
        numbers[i] = Long.parseLong(parts[i]);
      } catch (NumberFormatException e) {
        return null; // out of int64's range
      }
    }
    return new Version(numbers[0], numbers[1]);
  }

  private static boolean isIdentifier(String id) {
    return id.isEmpty() || IDENTIFIER.matcher(id).matches();
  }
}
