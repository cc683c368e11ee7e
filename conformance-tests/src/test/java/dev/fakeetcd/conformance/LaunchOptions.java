package dev.fakeetcd.conformance;

import dev.fakeetcd.ServerTls;
import dev.fakeetcd.TestCertificates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The etcd flags a {@link ClusterLauncher} starts a private cluster with; a flag left unset keeps
 * etcd's default. Immutable: each setter returns a copy.
 */
public final class LaunchOptions {

  private static final LaunchOptions DEFAULTS =
      new LaunchOptions(0, null, null, null, null, null);

  private final long quotaBackendBytes;
  private final String authToken;
  private final Duration authTokenTtl;
  private final Integer bcryptCost;
  private final ServerTls tls;
  private final ClientTls harnessTls;

  private LaunchOptions(long quotaBackendBytes, String authToken, Duration authTokenTtl,
      Integer bcryptCost, ServerTls tls, ClientTls harnessTls) {
    this.quotaBackendBytes = quotaBackendBytes;
    this.authToken = authToken;
    this.authTokenTtl = authTokenTtl;
    this.bcryptCost = bcryptCost;
    this.tls = tls;
    this.harnessTls = harnessTls;
  }

  /** etcd's defaults for every flag. */
  public static LaunchOptions defaults() {
    return DEFAULTS;
  }

  /** {@code --quota-backend-bytes}: 0 for the default, negative for none. */
  public LaunchOptions quotaBackendBytes(long bytes) {
    return new LaunchOptions(bytes, authToken, authTokenTtl, bcryptCost, tls, harnessTls);
  }

  /**
   * {@code --auth-token}: {@code simple}, or
   * {@code jwt,pub-key=<file>,priv-key=<file>,sign-method=<alg>[,ttl=<duration>]}.
   */
  public LaunchOptions authToken(String spec) {
    return new LaunchOptions(quotaBackendBytes, Objects.requireNonNull(spec), authTokenTtl,
        bcryptCost, tls, harnessTls);
  }

  /** {@code --auth-token-ttl}, whole seconds: how long a simple token lives after its last use. */
  public LaunchOptions authTokenTtl(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero() || ttl.toNanos() % 1_000_000_000L != 0) {
      throw new IllegalArgumentException("etcd takes whole seconds: " + ttl);
    }
    return new LaunchOptions(quotaBackendBytes, authToken, ttl, bcryptCost, tls, harnessTls);
  }

  /** {@code --bcrypt-cost}: 4 makes adding and authenticating users fast. */
  public LaunchOptions bcryptCost(int cost) {
    return new LaunchOptions(quotaBackendBytes, authToken, authTokenTtl, cost, tls, harnessTls);
  }

  /**
   * {@code --cert-file} and {@code --key-file} from {@code certs}'s server certificate, and with
   * {@code clientCertAuth} {@code --trusted-ca-file} and {@code --client-cert-auth}: the client
   * ports serve TLS only. The harness's own clients trust the CA and, under client-cert-auth,
   * present a certificate without a common name (they run as no user, as without TLS).
   */
  public LaunchOptions tls(TestCertificates certs, boolean clientCertAuth) {
    return new LaunchOptions(quotaBackendBytes, authToken, authTokenTtl, bcryptCost,
        certs.serverTls(clientCertAuth),
        new ClientTls(certs.caFile(), clientCertAuth ? certs.client("") : null));
  }

  public long quotaBackendBytes() {
    return quotaBackendBytes;
  }

  public Optional<String> authToken() {
    return Optional.ofNullable(authToken);
  }

  public Optional<Duration> authTokenTtl() {
    return Optional.ofNullable(authTokenTtl);
  }

  public OptionalInt bcryptCost() {
    return bcryptCost == null ? OptionalInt.empty() : OptionalInt.of(bcryptCost);
  }

  public Optional<ServerTls> tls() {
    return Optional.ofNullable(tls);
  }

  /** What the harness's clients present to a TLS target; empty without TLS. */
  Optional<ClientTls> harnessTls() {
    return Optional.ofNullable(harnessTls);
  }

  /** The options as flags of a real etcd. */
  List<String> etcdFlags() {
    List<String> flags = new ArrayList<>();
    if (quotaBackendBytes != 0) {
      flags.add("--quota-backend-bytes=" + quotaBackendBytes);
    }
    authToken().ifPresent(spec -> flags.add("--auth-token=" + spec));
    authTokenTtl().ifPresent(ttl -> flags.add("--auth-token-ttl=" + ttl.toSeconds()));
    bcryptCost().ifPresent(cost -> flags.add("--bcrypt-cost=" + cost));
    tls().ifPresent(t -> {
      flags.add("--cert-file=" + t.certFile());
      flags.add("--key-file=" + t.keyFile());
      t.trustedCaFile().ifPresent(ca -> flags.add("--trusted-ca-file=" + ca));
      if (t.clientCertAuth()) {
        flags.add("--client-cert-auth");
      }
    });
    return flags;
  }

  @Override
  public String toString() {
    return etcdFlags().toString();
  }
}
