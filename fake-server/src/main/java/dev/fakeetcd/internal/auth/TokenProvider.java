package dev.fakeetcd.internal.auth;

import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One member's auth tokens, etcd's {@code TokenProvider} ({@code auth/simple_token.go},
 * {@code auth/jwt.go}). Simple tokens live in the member's memory (lost when it crashes, rebuilt by
 * the Authenticate entries it replays); JWT tokens carry their own claims. Time is the virtual
 * clock's. Called under the cluster lock.
 */
public interface TokenProvider {

  /**
   * A provider for etcd's {@code --auth-token} {@code spec} and {@code --auth-token-ttl}
   * ({@code simpleTtl}; not positive: etcd's 300 s), on the virtual {@code clock}.
   */
  static TokenProvider of(AuthTokenSpec spec, java.time.Duration simpleTtl,
      java.time.Clock clock) {
    return switch (spec.kind()) {
      case SIMPLE -> new SimpleTokens(simpleTtl, clock);
      case JWT -> new JwtTokens(spec.jwt(), clock);
      case NONE -> new NoTokens();
    };
  }

  /**
   * etcd's {@code genTokenPrefix}: for simple tokens 16 letters {@code [a-zA-Z]} drawn from
   * {@code random}; empty for JWT. Made before the Authenticate request is proposed.
   */
  String newPrefix(RandomGenerator random);

  /**
   * The token for {@code username}, issued by the Authenticate entry applied at {@code index}
   * with {@code prefix}, while the auth store is at {@code revision}. Simple: {@code prefix.index},
   * remembered with a TTL from now. JWT: signed claims {@code username}, {@code revision},
   * {@code exp}. The provider of an empty {@code --auth-token} issues none: it throws etcd's
   * {@code AUTH_FAILED} ({@link dev.fakeetcd.internal.rpctypes.EtcdException}).
   */
  String assign(String username, long revision, String prefix, long index);

  /**
   * Who {@code token} names, or empty when it is unknown, expired or does not verify. A simple
   * token's use slides its TTL and its revision is {@code currentRevision} (etcd's); a JWT's is
   * its {@code revision} claim.
   */
  Optional<AuthInfo> info(String token, long currentRevision);

  /**
   * Drops {@code username}'s simple tokens (user deleted, password changed); nothing for a
   * provider that keeps no tokens (JWT, none).
   */
  default void invalidateUser(String username) {
  }

  /** Auth was enabled; nothing for a provider that keeps no tokens. */
  default void enable() {
  }

  /** Auth was disabled: every simple token is dropped; a JWT outlives it. */
  default void disable() {
  }

  /** The fault {@code expireTokens}: every token issued so far stops working now. */
  void expireAll();
}
