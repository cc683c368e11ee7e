package dev.fakeetcd.internal.auth;

import com.nimbusds.jose.JWSAlgorithm;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.spec.SecretKeySpec;

/**
 * etcd's {@code --auth-token} flag: {@code simple} (the default) or
 * {@code jwt,pub-key=<path>,priv-key=<path>,sign-method=<alg>[,ttl=<duration>]}, checked as etcd
 * checks it when it starts ({@code auth.NewTokenProvider}); an empty flag is etcd's token-less
 * provider, with which every Authenticate fails. Key files are read when the flag is parsed.
 *
 * @param raw the flag as given
 * @param kind which provider the flag makes
 * @param jwt the JWT settings, for {@link Kind#JWT} only (null otherwise)
 */
public record AuthTokenSpec(String raw, Kind kind, Jwt jwt) {

  /** etcd's token providers: {@code simple}, {@code jwt} and the empty flag's. */
  public enum Kind {
    SIMPLE, JWT, NONE
  }

  /**
   * What a JWT provider signs and verifies with. As etcd does, tokens are verified with the
   * private key's own public key (an HMAC key verifies itself); {@code pub-key} only stands in
   * where the private key's encoding does not say it (see {@link #parse}).
   *
   * @param algorithm the {@code sign-method}
   * @param signingKey the private key, or the HMAC secret (the {@code priv-key} file's bytes)
   * @param verifyingKey the public key, or the same HMAC secret
   * @param ttl a token's life from its issue ({@code ttl}, default 5 minutes; may be negative)
   */
  public record Jwt(JWSAlgorithm algorithm, Key signingKey, Key verifyingKey, Duration ttl) {

    public Jwt {
      Objects.requireNonNull(algorithm, "algorithm");
      Objects.requireNonNull(signingKey, "signingKey");
      Objects.requireNonNull(verifyingKey, "verifyingKey");
      Objects.requireNonNull(ttl, "ttl");
    }

    /** Without the keys, which the JDK prints at length. */
    @Override
    public String toString() {
      return "Jwt[" + algorithm + ", ttl=" + ttl + "]";
    }
  }

  public static final AuthTokenSpec SIMPLE = new AuthTokenSpec("simple", Kind.SIMPLE, null);

  /** etcd's {@code auth.DefaultTTL} for JWT tokens. */
  static final Duration DEFAULT_JWT_TTL = Duration.ofMinutes(5);

  /** The sign methods golang-jwt v3.2.1 registers (besides {@code none}). */
  private static final Map<String, JWSAlgorithm> SIGN_METHODS = Map.ofEntries(
      Map.entry("HS256", JWSAlgorithm.HS256), Map.entry("HS384", JWSAlgorithm.HS384),
      Map.entry("HS512", JWSAlgorithm.HS512), Map.entry("RS256", JWSAlgorithm.RS256),
      Map.entry("RS384", JWSAlgorithm.RS384), Map.entry("RS512", JWSAlgorithm.RS512),
      Map.entry("PS256", JWSAlgorithm.PS256), Map.entry("PS384", JWSAlgorithm.PS384),
      Map.entry("PS512", JWSAlgorithm.PS512), Map.entry("ES256", JWSAlgorithm.ES256),
      Map.entry("ES384", JWSAlgorithm.ES384), Map.entry("ES512", JWSAlgorithm.ES512));

  private static final String INVALID_OPTIONS = "auth: invalid auth options";

  public AuthTokenSpec {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.JWT) != (jwt != null)) {
      throw new IllegalArgumentException("JWT settings go with kind JWT only: " + kind);
    }
  }

  /**
   * Parses {@code flag}; throws {@link IllegalArgumentException} if etcd would not start with it.
   * The message is etcd's fatal error, followed in parentheses by what etcd logs just before it
   * (or by the option at fault). Unknown JWT options are ignored, as etcd only warns about them.
   *
   * <p>The fake also refuses two flags etcd 3.4.23 starts with but then fails every Authenticate
   * with (code Unknown): a {@code pub-key} without {@code priv-key} (a verify-only member) and a
   * key the sign method cannot sign with (e.g. ES256 with a P-384 key). And where etcd computes the
   * public key from an EC private key, the fake takes it from the key's encoding (openssl and Go
   * write it there) or, failing that, from {@code pub-key}.
   */
  public static AuthTokenSpec parse(String flag) {
    // etcd's decomposeOpts: the type, then name=value options, each name once
    String[] parts = flag.split(",", -1);
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String[] pair = parts[i].split("=", -1);
      if (pair.length != 2) {
        throw invalidOptions("invalid token specific option: " + flag);
      }
      if (options.putIfAbsent(pair[0], pair[1]) != null) {
        throw invalidOptions("invalid token specific option, duplicated parameters ("
            + pair[0] + "): " + flag);
      }
    }
    return switch (parts[0]) {
      case "simple" -> new AuthTokenSpec(flag, Kind.SIMPLE, null);
      case "jwt" -> new AuthTokenSpec(flag, Kind.JWT, jwt(options));
      case "" -> new AuthTokenSpec(flag, Kind.NONE, null);
      default -> throw invalidOptions("unknown token type: " + parts[0]);
    };
  }

  /** etcd's {@code jwtOptions.ParseWithDefaults}, then {@code Key()}, in their order. */
  private static Jwt jwt(Map<String, String> options) {
    Duration ttl = DEFAULT_JWT_TTL;
    String ttlOption = options.getOrDefault("ttl", "");
    if (!ttlOption.isEmpty()) {
      try {
        ttl = GoDuration.parse(ttlOption);
      } catch (IllegalArgumentException e) {
        throw invalidJwtOptions(e.getMessage());
      }
    }
    String pubPath = options.getOrDefault("pub-key", "");
    String privPath = options.getOrDefault("priv-key", "");
    byte[] pub = pubPath.isEmpty() ? new byte[0] : read(pubPath);
    byte[] priv = privPath.isEmpty() ? new byte[0] : read(privPath);
    String method = options.getOrDefault("sign-method", "");
    if (method.equals("none")) {
      throw new IllegalArgumentException("unsupported signing method: *jwt.signingMethodNone");
    }
    JWSAlgorithm algorithm = SIGN_METHODS.get(method);
    if (algorithm == null) {
      throw invalidJwtOptions("auth: invalid auth signature method");
    }

    Jwt jwt;
    if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
      if (priv.length == 0) {
        throw new IllegalArgumentException("auth: missing key data");
      }
      SecretKeySpec secret = new SecretKeySpec(priv, JwtTokens.hmacName(algorithm));
      jwt = new Jwt(algorithm, secret, secret, ttl);
    } else {
      jwt = asymmetric(algorithm, ttl, pub, pubPath, priv, privPath);
    }
    JwtTokens.checkKeys(jwt, privPath);
    return jwt;
  }

  /** etcd's {@code rsaKey} and {@code ecKey}: the private key, its public key checked against. */
  private static Jwt asymmetric(JWSAlgorithm algorithm, Duration ttl, byte[] pub,
      String pubPath, byte[] priv, String privPath) {
    boolean rsa = !JWSAlgorithm.Family.EC.contains(algorithm);
    PemKeys.Private privateKey = priv.length == 0 ? null
        : keyFile("priv-key", privPath,
            () -> rsa ? PemKeys.rsaPrivate(priv) : PemKeys.ecPrivate(priv));
    PublicKey publicKey = pub.length == 0 ? null
        : keyFile("pub-key", pubPath, () -> PemKeys.publicKey(pub, rsa ? "RSA" : "EC"));
    if (privateKey == null) {
      if (publicKey == null) {
        throw new IllegalArgumentException("auth: missing key data");
      }
      throw new IllegalArgumentException("auth: token signing attempted with verify-only key"
          + " (etcd 3.4.23 starts with pub-key=" + pubPath + " alone and then fails every"
          + " Authenticate; the fake needs priv-key)");
    }
    Optional<PublicKey> own = rsa ? rsaPublic(privateKey) : privateKey.embeddedPublic();
    if (publicKey != null && own.isPresent() && mismatch(own.get(), publicKey)) {
      throw new IllegalArgumentException("auth: public and private keys don't match");
    }
    PublicKey verifying = own.or(() -> Optional.ofNullable(publicKey))
        .orElseThrow(() -> new IllegalArgumentException("priv-key=" + privPath
            + " does not carry its public key: give pub-key=<file> (etcd 3.4.23 computes it;"
            + " the fake cannot)"));
    return new Jwt(algorithm, privateKey.key(), verifying, ttl);
  }

  private static Optional<PublicKey> rsaPublic(PemKeys.Private key) {
    if (!(key.key() instanceof RSAPrivateCrtKey crt)) {
      return Optional.empty();
    }
    try {
      return Optional.of(KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent())));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no RSA", e);
    }
  }

  /**
   * etcd 3.4's own test, as written: RSA keys mismatch only when both exponent and modulus
   * differ, EC keys only when curve, X and Y all differ (so, in practice, only the curve).
   */
  private static boolean mismatch(PublicKey own, PublicKey given) {
    if (own instanceof RSAPublicKey a && given instanceof RSAPublicKey b) {
      return !a.getPublicExponent().equals(b.getPublicExponent())
          && !a.getModulus().equals(b.getModulus());
    }
    ECPublicKey a = (ECPublicKey) own;
    ECPublicKey b = (ECPublicKey) given;
    return !a.getParams().getOrder().equals(b.getParams().getOrder())
        && !a.getW().getAffineX().equals(b.getW().getAffineX())
        && !a.getW().getAffineY().equals(b.getW().getAffineY());
  }

  /** Reads a key file's content, the message naming the option when it is no key. */
  private static <T> T keyFile(String option, String path, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (" + option + "=" + path + ")", e);
    }
  }

  /** Go's {@code ioutil.ReadFile}, with its error texts for the usual failures. */
  private static byte[] read(String path) {
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (NoSuchFileException e) {
      throw invalidJwtOptions("open " + path + ": no such file or directory");
    } catch (AccessDeniedException e) {
      throw invalidJwtOptions("open " + path + ": permission denied");
    } catch (IOException e) {
      throw invalidJwtOptions(Files.isDirectory(Path.of(path))
          ? "read " + path + ": is a directory" : "open " + path + ": " + e.getMessage());
    }
  }

  private static IllegalArgumentException invalidOptions(String logged) {
    return new IllegalArgumentException(INVALID_OPTIONS + " (" + logged + ")");
  }

  private static IllegalArgumentException invalidJwtOptions(String logged) {
    return invalidOptions("problem loading JWT options: " + logged);
  }
}
