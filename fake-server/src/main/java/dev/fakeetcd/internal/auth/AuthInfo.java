package dev.fakeetcd.internal.auth;

import java.util.Objects;

/**
 * Who a request runs as, etcd's {@code AuthInfo}: the user a token names and the auth revision it
 * is checked against. {@link #NONE} (no user, revision 0) is a request without a token.
 */
public record AuthInfo(String username, long revision) {

  public static final AuthInfo NONE = new AuthInfo("", 0);

  public AuthInfo {
    Objects.requireNonNull(username, "username");
  }
}
