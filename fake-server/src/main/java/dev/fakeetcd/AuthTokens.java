package dev.fakeetcd;

import dev.fakeetcd.internal.server.Cluster;

/**
 * The cluster's auth tokens, for tests: ending every session without waiting for the token TTL
 * (etcd's {@code --auth-token-ttl}, 300 s of virtual time by default).
 *
 * <pre>{@code cluster.authTokens().expireNow();}</pre>
 */
public final class AuthTokens {

  private final Cluster cluster;

  AuthTokens(Cluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Every token issued so far stops working on every member, as if its TTL had passed (a JWT as
   * if it had expired): the next request with one fails with {@code invalid auth token}, which
   * clients such as jetcd answer by authenticating again.
   */
  public void expireNow() {
    cluster.expireTokens();
  }
}
