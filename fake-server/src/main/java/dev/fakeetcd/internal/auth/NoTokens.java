package dev.fakeetcd.internal.auth;

import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * etcd's {@code tokenNop} ({@code auth/nop.go}), made by an empty {@code --auth-token}: it issues
 * no token (every Authenticate fails) and knows none.
 */
final class NoTokens implements TokenProvider {

  @Override
  public String newPrefix(RandomGenerator random) {
    return "";
  }

  /** @throws EtcdException always, {@link EtcdError#AUTH_FAILED} */
  @Override
  public String assign(String username, long revision, String prefix, long index) {
    throw new EtcdException(EtcdError.AUTH_FAILED);
  }

  @Override
  public Optional<AuthInfo> info(String token, long currentRevision) {
    return Optional.empty();
  }

  @Override
  public void expireAll() {
  }
}
