package dev.fakeetcd.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each failure text is etcd 3.4.23's fatal error, then (in parentheses) what it logs first. */
class AuthTokenSpecTest {

  @TempDir
  static Path dir;

  private static KeyPair rsa;

  @BeforeAll
  static void writeKeys() throws IOException {
    rsa = TestKeys.rsa(2048);
    TestKeys.write(dir, "rsa", rsa);
    TestKeys.write(dir, "rsa-other", TestKeys.rsa(2048));
    TestKeys.write(dir, "ec", TestKeys.ec("secp256r1"));
    TestKeys.write(dir, "ec384", TestKeys.ec("secp384r1"));
    Files.writeString(dir.resolve("sec1"), TestKeys.SEC1_P256);
    Files.writeString(dir.resolve("pkcs8-ec"), TestKeys.PKCS8_P256);
    Files.writeString(dir.resolve("pkcs1"), TestKeys.PKCS1_RSA);
    Files.writeString(dir.resolve("junk"), "not a pem");
    Files.writeString(dir.resolve("hmac"), "short\n");
  }

  private static String key(String name) {
    return dir.resolve(name).toString();
  }

  private static AuthTokenSpec.Jwt jwt(String flag) {
    return AuthTokenSpec.parse(flag).jwt();
  }

  private static String rs256(String more) {
    return "jwt,sign-method=RS256,priv-key=" + key("rsa") + more;
  }

  @Test
  void parse_simple_isSimple() {
    assertThat(AuthTokenSpec.parse("simple")).isEqualTo(AuthTokenSpec.SIMPLE);
  }

  @Test
  void parse_simpleWithOptions_ignoresThem() {
    AuthTokenSpec spec = AuthTokenSpec.parse("simple,foo=bar");

    assertThat(spec.kind()).isEqualTo(AuthTokenSpec.Kind.SIMPLE);
    assertThat(spec.raw()).isEqualTo("simple,foo=bar");
  }

  @Test
  void parse_empty_isTokenless() {
    assertThat(AuthTokenSpec.parse("").kind()).isEqualTo(AuthTokenSpec.Kind.NONE);
  }

  @Test
  void parse_unknownType_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("bogus"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("auth: invalid auth options (unknown token type: bogus)");
  }

  @Test
  void parse_typeInOtherCase_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("Simple"))
        .hasMessage("auth: invalid auth options (unknown token type: Simple)");
  }

  @Test
  void parse_optionWithoutValue_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("simple,foo"))
        .hasMessage("auth: invalid auth options (invalid token specific option: simple,foo)");
  }

  @Test
  void parse_optionWithTwoEquals_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("simple,a=b=c"))
        .hasMessage("auth: invalid auth options (invalid token specific option: simple,a=b=c)");
  }

  @Test
  void parse_emptyOption_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse(rs256(",")))
        .hasMessage("auth: invalid auth options (invalid token specific option: " + rs256(",")
            + ")");
  }

  @Test
  void parse_duplicatedOption_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("simple,a=1,a=2"))
        .hasMessage("auth: invalid auth options (invalid token specific option, duplicated"
            + " parameters (a): simple,a=1,a=2)");
  }

  @Test
  void parse_jwtWithoutSignMethod_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,priv-key=" + key("rsa")))
        .hasMessage("auth: invalid auth options (problem loading JWT options: auth: invalid auth"
            + " signature method)");
  }

  @Test
  void parse_signMethodInOtherCase_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=rs256,priv-key=" + key("rsa")))
        .hasMessageContaining("auth: invalid auth signature method");
  }

  @Test
  void parse_signMethodEdDsa_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=EdDSA,priv-key=" + key("rsa")))
        .hasMessageContaining("auth: invalid auth signature method");
  }

  @Test
  void parse_signMethodNone_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=none,priv-key=" + key("rsa")))
        .hasMessage("unsupported signing method: *jwt.signingMethodNone");
  }

  @Test
  void parse_missingKeyFile_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=RS256,priv-key=" + key("nope")))
        .hasMessage("auth: invalid auth options (problem loading JWT options: open "
            + key("nope") + ": no such file or directory)");
  }

  @Test
  void parse_keyFileIsADirectory_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=RS256,pub-key=" + dir))
        .hasMessage("auth: invalid auth options (problem loading JWT options: read " + dir
            + ": is a directory)");
  }

  @Test
  void parse_ttlWithUnknownUnit_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse(rs256(",ttl=5x")))
        .hasMessage("auth: invalid auth options (problem loading JWT options: time: unknown unit"
            + " \"x\" in duration \"5x\")");
  }

  @Test
  void parse_ttlWithoutUnit_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse(rs256(",ttl=5")))
        .hasMessage("auth: invalid auth options (problem loading JWT options: time: missing unit"
            + " in duration \"5\")");
  }

  @Test
  void parse_ttl_isAGoDuration() {
    assertThat(jwt(rs256(",ttl=1h30m")).ttl()).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void parse_ttlAbsentOrEmpty_isFiveMinutes() {
    assertThat(jwt(rs256("")).ttl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(jwt(rs256(",ttl=")).ttl()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void parse_unknownJwtOption_isIgnored() {
    assertThat(AuthTokenSpec.parse(rs256(",foo=bar")).kind()).isEqualTo(AuthTokenSpec.Kind.JWT);
  }

  @Test
  void parse_noKey_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=RS256,priv-key="))
        .hasMessage("auth: missing key data");
  }

  @Test
  void parse_hmacWithPublicKeyOnly_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=HS256,pub-key=" + key("hmac")))
        .hasMessage("auth: missing key data");
  }

  @Test
  void parse_hmac_keyIsTheFilesBytes() {
    AuthTokenSpec.Jwt jwt = jwt("jwt,sign-method=HS384,priv-key=" + key("hmac"));

    assertThat(jwt.algorithm()).isEqualTo(JWSAlgorithm.HS384);
    assertThat(((SecretKey) jwt.signingKey()).getEncoded()).asString().isEqualTo("short\n");
  }

  @Test
  void parse_notPem_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=RS256,priv-key=" + key("junk")))
        .hasMessage("Invalid Key: Key must be a PEM encoded PKCS1 or PKCS8 key (priv-key="
            + key("junk") + ")");
  }

  @Test
  void parse_ecKeyForRsaMethod_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=PS256,priv-key=" + key("ec")))
        .hasMessage("Key is not a valid RSA private key (priv-key=" + key("ec") + ")");
  }

  @Test
  void parse_rsaKeyForEcMethod_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=ES256,priv-key=" + key("rsa")))
        .hasMessage("Key is not a valid ECDSA private key (priv-key=" + key("rsa") + ")");
  }

  @Test
  void parse_pkcs1KeyForEcMethod_failsAsGoDoes() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=ES256,priv-key=" + key("pkcs1")))
        .hasMessageStartingWith("x509: failed to parse private key (use ParsePKCS1PrivateKey"
            + " instead for this key format)");
  }

  @Test
  void parse_ecPublicKeyForRsaMethod_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse(rs256(",pub-key=" + key("ec.pub"))))
        .hasMessage("Key is not a valid RSA public key (pub-key=" + key("ec.pub") + ")");
  }

  @Test
  void parse_publicKeyOnly_isRefused() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=RS256,pub-key="
        + key("rsa.pub")))
        .hasMessageStartingWith("auth: token signing attempted with verify-only key");
  }

  @Test
  void parse_keyTheMethodCannotSignWith_isRefused() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=ES256,priv-key=" + key("ec384")
        + ",pub-key=" + key("ec384.pub")))
        .hasMessageStartingWith("key is invalid");
  }

  @Test
  void parse_publicKeyOnAnotherCurve_fails() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=ES256,priv-key=" + key("sec1")
        + ",pub-key=" + key("ec384.pub")))
        .hasMessage("auth: public and private keys don't match");
  }

  @Test
  void parse_anotherRsaPublicKey_isIgnoredAsEtcdIgnoresIt() {
    AuthTokenSpec.Jwt jwt = jwt(rs256(",pub-key=" + key("rsa-other.pub")));

    assertThat(jwt.verifyingKey()).isEqualTo(rsa.getPublic());
  }

  @Test
  void parse_rsaPrivateKeyAlone_verifiesWithItsPublicKey() {
    AuthTokenSpec.Jwt jwt = jwt(rs256(""));

    assertThat(jwt.signingKey()).isEqualTo(rsa.getPrivate());
    assertThat(jwt.verifyingKey()).isEqualTo(rsa.getPublic());
  }

  @Test
  void parse_pkcs1RsaKey_isRead() {
    assertThat(jwt("jwt,sign-method=RS256,priv-key=" + key("pkcs1")).signingKey())
        .isInstanceOf(RSAPrivateKey.class);
  }

  @Test
  void parse_sec1EcKeyAlone_verifiesWithTheKeyItCarries() {
    AuthTokenSpec.Jwt jwt = jwt("jwt,sign-method=ES256,priv-key=" + key("sec1"));

    assertThat(jwt.signingKey()).isInstanceOf(ECPrivateKey.class);
    assertThat(jwt.verifyingKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void parse_pkcs8EcKeyCarryingItsPublicKey_verifiesWithIt() {
    AuthTokenSpec.Jwt fromPkcs8 = jwt("jwt,sign-method=ES256,priv-key=" + key("pkcs8-ec"));
    AuthTokenSpec.Jwt fromSec1 = jwt("jwt,sign-method=ES256,priv-key=" + key("sec1"));

    assertThat(fromPkcs8.verifyingKey()).isEqualTo(fromSec1.verifyingKey());
  }

  @Test
  void parse_pkcs8EcKeyWithoutItsPublicKey_needsPubKey() {
    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=ES256,priv-key=" + key("ec")))
        .hasMessageContaining("give pub-key=<file>");
  }

  @Test
  void parse_pkcs8EcKeyWithPubKey_isRead() {
    AuthTokenSpec.Jwt jwt = jwt("jwt,sign-method=ES256,priv-key=" + key("ec") + ",pub-key="
        + key("ec.pub"));

    assertThat(jwt.algorithm()).isEqualTo(JWSAlgorithm.ES256);
  }

  @Test
  void parse_otherPublicKeyStandingInForTheEcKeys_fails() throws IOException {
    TestKeys.write(dir, "ec-other", TestKeys.ec("secp256r1"));

    assertThatThrownBy(() -> AuthTokenSpec.parse("jwt,sign-method=ES256,priv-key=" + key("ec")
        + ",pub-key=" + key("ec-other.pub")))
        .hasMessage("auth: public and private keys don't match");
  }
}
