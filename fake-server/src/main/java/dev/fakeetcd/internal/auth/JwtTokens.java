package dev.fakeetcd.internal.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.opts.AllowWeakRSAKey;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * etcd's JWT tokens ({@code auth/jwt.go}): signed claims {@code username}, {@code revision} (the
 * auth revision at issue) and {@code exp} (issue plus the TTL, in whole seconds of the virtual
 * clock; valid through that second, as golang-jwt checks it). Stateless: any member with the key
 * verifies any member's token, and user changes or disabling auth leave tokens valid (the
 * revision check catches them).
 *
 * <p>{@link #expireAll} is the fake's own fault, so tokens carry two more claims for it:
 * {@code issued}, the virtual instant of issue, and {@code cut}, the instant of the last
 * {@code expireAll} the issuing member had seen (both in nanoseconds since 1970, 0 for none). A
 * member refuses a token issued at or before its own last {@code expireAll} unless the issuer had
 * already seen that one: so a token issued at the very instant of the fault but after it stays
 * valid, and a member that had not yet applied the Authenticate when the fault came still refuses
 * the token the leader handed out. A member restarted since has forgotten the fault.
 *
 * <p>ES* and PS* signatures are randomized (by the JDK, as by Go), so those tokens' bytes differ
 * from run to run; their claims, and so what they allow, do not.
 */
final class JwtTokens implements TokenProvider {

  private final JWSAlgorithm algorithm;
  private final Duration ttl;
  private final Clock clock;
  private final JWSSigner signer;
  private final JWSVerifier verifier;
  /** The instant of this member's last {@link #expireAll}, nanoseconds since 1970; 0: none. */
  private long cut;

  JwtTokens(AuthTokenSpec.Jwt jwt, Clock clock) {
    this.algorithm = jwt.algorithm();
    this.ttl = jwt.ttl();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.signer = signer(jwt);
    this.verifier = verifier(jwt);
  }

  @Override
  public String newPrefix(RandomGenerator random) {
    return "";
  }

  @Override
  public String assign(String username, long revision, String prefix, long index) {
    Instant now = clock.instant();
    // in the order Go's encoding/json writes a map's keys
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .claim("cut", cut)
        .expirationTime(Date.from(Instant.ofEpochSecond(now.plus(ttl).getEpochSecond())))
        .claim("issued", nanos(now))
        .claim("revision", revision)
        .claim("username", username)
        .build();
    SignedJWT token = new SignedJWT(
        new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).build(), claims);
    try {
      token.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("the key was checked when the flag was parsed", e);
    }
    return token.serialize();
  }

  @Override
  public Optional<AuthInfo> info(String token, long currentRevision) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!jwt.getHeader().getAlgorithm().equals(algorithm) || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      String username = claims.getStringClaim("username");
      Long revision = claims.getLongClaim("revision");
      Long issued = claims.getLongClaim("issued");
      Long issuerCut = claims.getLongClaim("cut");
      if (exp == null || username == null || revision == null || issued == null
          || issuerCut == null) {
        return Optional.empty();
      }
      if (clock.instant().getEpochSecond() > exp.toInstant().getEpochSecond()
          || issued <= cut && issuerCut < cut) {
        return Optional.empty();
      }
      return Optional.of(new AuthInfo(username, revision));
    } catch (ParseException | JOSEException | RuntimeException e) {
      // the token is the client's: nimbus throws e.g. NullPointerException on a "null" header
      return Optional.empty();
    }
  }

  @Override
  public void expireAll() {
    cut = nanos(clock.instant());
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /**
   * Checks at parse time that {@code jwt}'s keys sign and verify a token, so that the fake refuses
   * a key etcd 3.4.23 accepts at start but fails every Authenticate with.
   */
  static void checkKeys(AuthTokenSpec.Jwt jwt, String privPath) {
    JWSObject probe = new JWSObject(new JWSHeader(jwt.algorithm()), new Payload("probe"));
    try {
      probe.sign(signer(jwt));
    } catch (JOSEException | RuntimeException e) {
      throw new IllegalArgumentException("key is invalid (" + jwt.algorithm() + " cannot sign"
          + " with priv-key=" + privPath + ": " + e.getMessage() + "; etcd 3.4.23 starts and then"
          + " fails every Authenticate)", e);
    }
    boolean verified;
    try {
      verified = probe.verify(verifier(jwt));
    } catch (JOSEException | RuntimeException e) {
      verified = false;
    }
    if (!verified) {
      throw new IllegalArgumentException("auth: public and private keys don't match");
    }
  }

  /** The JCA name of an HMAC sign method's MAC. */
  static String hmacName(JWSAlgorithm algorithm) {
    return "HmacSHA" + algorithm.getName().substring(2);
  }

  private static JWSSigner signer(AuthTokenSpec.Jwt jwt) {
    JWSAlgorithm algorithm = jwt.algorithm();
    if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
      return new GoHmac(algorithm, (SecretKey) jwt.signingKey());
    }
    if (JWSAlgorithm.Family.EC.contains(algorithm)) {
      try {
        return new ECDSASigner((ECPrivateKey) jwt.signingKey());
      } catch (JOSEException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    // golang-jwt signs with RSA keys of any size
    return new RSASSASigner((PrivateKey) jwt.signingKey(), Set.of(AllowWeakRSAKey.getInstance()));
  }

  private static JWSVerifier verifier(AuthTokenSpec.Jwt jwt) {
    JWSAlgorithm algorithm = jwt.algorithm();
    if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
      return new GoHmac(algorithm, (SecretKey) jwt.verifyingKey());
    }
    if (JWSAlgorithm.Family.EC.contains(algorithm)) {
      try {
        return new ECDSAVerifier((ECPublicKey) jwt.verifyingKey());
      } catch (JOSEException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    return new RSASSAVerifier((RSAPublicKey) jwt.verifyingKey());
  }

  /**
   * HMAC as golang-jwt does it: with a secret of any length. nimbus's MACSigner refuses secrets
   * shorter than the hash, which etcd accepts; the MAC itself is the JDK's.
   */
  private static final class GoHmac implements JWSSigner, JWSVerifier {
    private final JWSAlgorithm algorithm;
    private final SecretKey secret;
    private final JCAContext jca = new JCAContext();

    GoHmac(JWSAlgorithm algorithm, SecretKey secret) {
      this.algorithm = algorithm;
      this.secret = secret;
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(algorithm);
    }

    @Override
    public JCAContext getJCAContext() {
      return jca;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      return Base64URL.encode(mac(header, signingInput));
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature)
        throws JOSEException {
      return MessageDigest.isEqual(mac(header, signingInput), signature.decode());
    }

    private byte[] mac(JWSHeader header, byte[] input) throws JOSEException {
      if (!header.getAlgorithm().equals(algorithm)) {
        throw new JOSEException("unsupported algorithm " + header.getAlgorithm());
      }
      try {
        Mac mac = Mac.getInstance(hmacName(algorithm));
        mac.init(secret);
        return mac.doFinal(input);
      } catch (GeneralSecurityException e) {
        throw new JOSEException(e.getMessage(), e);
      }
    }
  }
}
