package dev.fakeetcd.internal.auth;

/**
 * etcd's {@code --auth-token} flag: {@code simple} (the default) or
 * {@code jwt,pub-key=<path>,priv-key=<path>,sign-method=<alg>[,ttl=<duration>]}, checked as etcd
 * checks it when it starts.
 */
public record AuthTokenSpec(String raw) {

  public static final AuthTokenSpec SIMPLE = new AuthTokenSpec("simple");

  /** Parses {@code flag}; throws {@link IllegalArgumentException} with etcd's text if it is bad. */
  public static AuthTokenSpec parse(String flag) {
    throw new UnsupportedOperationException("not yet");
  }
}
