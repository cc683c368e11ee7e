package dev.fakeetcd.internal.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * etcd's simple tokens ({@code auth/simple_token.go}): {@code <16 letters>.<raft index>}, kept in
 * this member's memory with a sliding TTL while auth is enabled. etcd drops a token once a
 * once-a-second sweep finds it unused for longer than the TTL; here a token is dropped when it is
 * next looked up (or another is assigned) after that, which no client can tell apart.
 */
final class SimpleTokens implements TokenProvider {

  /** etcd's {@code simpleTokenTTLDefault}, used when {@code --auth-token-ttl} is not positive. */
  static final Duration DEFAULT_TTL = Duration.ofSeconds(300);

  static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static final int PREFIX_LENGTH = 16;

  private record Token(String username, Instant expiry) {
  }

  private final Duration ttl;
  private final Clock clock;
  /** etcd's keeper exists only while auth is enabled: no token is kept before or after. */
  private boolean enabled;
  private final Map<String, Token> tokens = new LinkedHashMap<>();

  SimpleTokens(Duration ttl, Clock clock) {
    this.ttl = ttl.isNegative() || ttl.isZero() ? DEFAULT_TTL : ttl;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String newPrefix(RandomGenerator random) {
    StringBuilder prefix = new StringBuilder(PREFIX_LENGTH);
    for (int i = 0; i < PREFIX_LENGTH; i++) {
      prefix.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
    }
    return prefix.toString();
  }

  /**
   * {@inheritDoc} While auth is disabled (an Authenticate applied after a disable) the token is
   * still answered but, as in etcd, not remembered, so it never works.
   *
   * @throws IllegalStateException if the token is already assigned (etcd panics)
   */
  @Override
  public String assign(String username, long revision, String prefix, long index) {
    String token = prefix + "." + index;
    if (!enabled) {
      return token;
    }
    Instant now = clock.instant();
    tokens.values().removeIf(t -> now.isAfter(t.expiry()));
    if (tokens.containsKey(token)) {
      throw new IllegalStateException("token " + token + " is already used");
    }
    tokens.put(token, new Token(username, now.plus(ttl)));
    return token;
  }

  @Override
  public Optional<AuthInfo> info(String token, long currentRevision) {
    Token known = tokens.get(token);
    if (known == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (now.isAfter(known.expiry())) {
      tokens.remove(token);
      return Optional.empty();
    }
    tokens.put(token, new Token(known.username(), now.plus(ttl)));
    return Optional.of(new AuthInfo(known.username(), currentRevision));
  }

  @Override
  public void invalidateUser(String username) {
    tokens.values().removeIf(t -> t.username().equals(username));
  }

  @Override
  public void enable() {
    enabled = true;
  }

  @Override
  public void disable() {
    enabled = false;
    tokens.clear();
  }

  @Override
  public void expireAll() {
    tokens.clear();
  }
}
