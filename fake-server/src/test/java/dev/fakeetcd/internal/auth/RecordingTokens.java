package dev.fakeetcd.internal.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** A {@link TokenProvider} double: issues {@code tok-<user>} and records what it is told. */
final class RecordingTokens implements TokenProvider {

  /** The calls in order: {@code assign <user> <revision> <prefix> <index>}, {@code enable}, ... */
  final List<String> calls = new ArrayList<>();

  @Override
  public String newPrefix(RandomGenerator random) {
    return "prefix";
  }

  @Override
  public String assign(String username, long revision, String prefix, long index) {
    calls.add("assign " + username + " " + revision + " " + prefix + " " + index);
    return "tok-" + username;
  }

  @Override
  public Optional<AuthInfo> info(String token, long currentRevision) {
    return Optional.empty();
  }

  @Override
  public void invalidateUser(String username) {
    calls.add("invalidateUser " + username);
  }

  @Override
  public void enable() {
    calls.add("enable");
  }

  @Override
  public void disable() {
    calls.add("disable");
  }

  @Override
  public void expireAll() {
    calls.add("expireAll");
  }
}
