package dev.fakeetcd.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtTokensTest {

  private static final Instant START = Instant.parse("2025-01-01T00:00:00.250Z");

  @TempDir
  static Path keys;

  private final TestClock clock = new TestClock(START);

  @BeforeAll
  static void writeKeys() throws IOException {
    TestKeys.write(keys, "rsa", TestKeys.rsa(2048));
    TestKeys.write(keys, "rsa-other", TestKeys.rsa(2048));
    TestKeys.write(keys, "ec", TestKeys.ec("secp256r1"));
    Files.writeString(keys.resolve("hmac"), "short");
  }

  private static AuthTokenSpec spec(String method, String key, String more) {
    Path priv = keys.resolve(key);
    return AuthTokenSpec.parse("jwt,sign-method=" + method + ",priv-key=" + priv + ",pub-key="
        + priv + ".pub" + more);
  }

  private JwtTokens tokens(String method, String key) {
    return new JwtTokens(spec(method, key, "").jwt(), clock);
  }

  private static String payload(String token) {
    return new String(Base64URL.from(token.split("\\.")[1]).decode(), StandardCharsets.UTF_8);
  }

  @Test
  void newPrefix_isEmpty() {
    assertThat(tokens("RS256", "rsa").newPrefix(new SplittableRandom(1))).isEmpty();
  }

  @Test
  void info_rs256Token_namesUserAndIssueRevision() {
    JwtTokens tokens = tokens("RS256", "rsa");

    String token = tokens.assign("alice", 7, "", 65);

    assertThat(tokens.info(token, 9)).contains(new AuthInfo("alice", 7));
  }

  @Test
  void info_es256Token_namesUserAndIssueRevision() {
    JwtTokens tokens = tokens("ES256", "ec");

    String token = tokens.assign("alice", 7, "", 65);

    assertThat(tokens.info(token, 9)).contains(new AuthInfo("alice", 7));
  }

  @Test
  void info_ps512Token_namesUserAndIssueRevision() {
    JwtTokens tokens = tokens("PS512", "rsa");

    assertThat(tokens.info(tokens.assign("alice", 7, "", 65), 9)).isPresent();
  }

  @Test
  void info_hs256TokenWithShortSecret_namesUser() {
    JwtTokens tokens = new JwtTokens(AuthTokenSpec.parse("jwt,sign-method=HS256,priv-key="
        + keys.resolve("hmac")).jwt(), clock);

    assertThat(tokens.info(tokens.assign("alice", 7, "", 65), 9))
        .contains(new AuthInfo("alice", 7));
  }

  @Test
  void assign_headerIsAlgAndTyp() throws ParseException {
    String token = tokens("ES256", "ec").assign("alice", 7, "", 65);

    JWSHeader header = SignedJWT.parse(token).getHeader();
    assertThat(header.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(header.getType()).isEqualTo(JOSEObjectType.JWT);
  }

  @Test
  void assign_expIsIssuePlusTtlInWholeSeconds() {
    JwtTokens tokens = new JwtTokens(spec("RS256", "rsa", ",ttl=90s").jwt(), clock);

    String token = tokens.assign("alice", 7, "", 65);

    assertThat(payload(token)).contains("\"exp\":" + (START.getEpochSecond() + 90) + ",")
        .contains("\"revision\":7,").contains("\"username\":\"alice\"");
  }

  @Test
  void info_throughExpirySecond_works() {
    JwtTokens tokens = new JwtTokens(spec("RS256", "rsa", ",ttl=90s").jwt(), clock);
    String token = tokens.assign("alice", 7, "", 65);
    clock.advance(Duration.ofMillis(90_000 + 749));

    assertThat(tokens.info(token, 7)).isPresent();
  }

  @Test
  void info_afterExpirySecond_isEmpty() {
    JwtTokens tokens = new JwtTokens(spec("RS256", "rsa", ",ttl=90s").jwt(), clock);
    String token = tokens.assign("alice", 7, "", 65);
    clock.advance(Duration.ofMillis(90_000 + 750));

    assertThat(tokens.info(token, 7)).isEmpty();
  }

  @Test
  void info_defaultTtl_isFiveMinutes() {
    JwtTokens tokens = tokens("RS256", "rsa");
    String token = tokens.assign("alice", 7, "", 65);
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));

    assertThat(tokens.info(token, 7)).isEmpty();
  }

  @Test
  void info_tamperedClaims_isEmpty() {
    JwtTokens tokens = tokens("RS256", "rsa");
    String[] parts = tokens.assign("alice", 7, "", 65).split("\\.");
    String forged = payload(parts[0] + "." + parts[1]).replace("alice", "root");

    String token = parts[0] + "." + Base64URL.encode(forged) + "." + parts[2];

    assertThat(tokens.info(token, 7)).isEmpty();
  }

  @Test
  void info_tamperedSignature_isEmpty() {
    JwtTokens tokens = tokens("ES256", "ec");
    String token = tokens.assign("alice", 7, "", 65);
    char last = token.charAt(token.length() - 5);

    String tampered = token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A')
        + token.substring(token.length() - 4);

    assertThat(tokens.info(tampered, 7)).isEmpty();
  }

  @Test
  void info_tokenOfAnotherKey_isEmpty() {
    String token = tokens("RS256", "rsa-other").assign("alice", 7, "", 65);

    assertThat(tokens("RS256", "rsa").info(token, 7)).isEmpty();
  }

  @Test
  void info_tokenOfAnotherSignMethod_isEmpty() {
    String token = tokens("RS384", "rsa").assign("alice", 7, "", 65);

    assertThat(tokens("RS256", "rsa").info(token, 7)).isEmpty();
  }

  @Test
  void info_unsignedToken_isEmpty() {
    JwtTokens tokens = tokens("RS256", "rsa");
    String[] parts = tokens.assign("alice", 7, "", 65).split("\\.");

    String unsigned = Base64URL.encode("{\"alg\":\"none\"}") + "." + parts[1] + ".";

    assertThat(tokens.info(unsigned, 7)).isEmpty();
  }

  @Test
  void info_garbage_isEmpty() {
    JwtTokens tokens = tokens("RS256", "rsa");

    assertThat(tokens.info("abcdefghijklmnop.65", 7)).isEmpty();
    assertThat(tokens.info("", 7)).isEmpty();
    assertThat(tokens.info("bnVsbA.bnVsbA.bnVsbA", 7)).as("null.null.null").isEmpty();
  }

  @Test
  void info_tokenOfAnotherMember_works() {
    String token = tokens("RS256", "rsa").assign("alice", 7, "", 65);

    assertThat(tokens("RS256", "rsa").info(token, 7)).contains(new AuthInfo("alice", 7));
  }

  @Test
  void invalidateUserAndDisable_leaveTokensValid() {
    JwtTokens tokens = tokens("RS256", "rsa");
    String token = tokens.assign("alice", 7, "", 65);

    tokens.invalidateUser("alice");
    tokens.disable();

    assertThat(tokens.info(token, 7)).isPresent();
  }

  @Test
  void expireAll_revokesTokensIssuedSoFar() {
    JwtTokens tokens = tokens("RS256", "rsa");
    String token = tokens.assign("alice", 7, "", 65);

    tokens.expireAll();

    assertThat(tokens.info(token, 7)).isEmpty();
  }

  @Test
  void expireAll_tokenIssuedLaterAtTheSameInstant_works() {
    JwtTokens tokens = tokens("RS256", "rsa");
    tokens.expireAll();

    String token = tokens.assign("alice", 7, "", 65);

    assertThat(tokens.info(token, 7)).isPresent();
  }

  @Test
  void expireAll_tokenIssuedByAnotherMemberBefore_isRevoked() {
    JwtTokens leader = tokens("RS256", "rsa");
    JwtTokens lagging = tokens("RS256", "rsa");
    String token = leader.assign("alice", 7, "", 65);

    leader.expireAll();
    lagging.expireAll();

    assertThat(lagging.info(token, 7)).isEmpty();
  }

  @Test
  void expireAll_tokenOfAMemberThatMissedIt_worksWhenIssuedAfter() {
    JwtTokens member = tokens("RS256", "rsa");
    member.expireAll();
    clock.advance(Duration.ofMillis(1));

    String token = tokens("RS256", "rsa").assign("alice", 7, "", 65);

    assertThat(member.info(token, 7)).isPresent();
  }
}
