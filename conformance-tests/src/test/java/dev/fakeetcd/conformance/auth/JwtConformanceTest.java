package dev.fakeetcd.conformance.auth;

import static dev.fakeetcd.api.Permission.Type.READ;
import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.auth.Auth.permission;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AuthDisableRequest;
import dev.fakeetcd.api.AuthUserDeleteRequest;
import dev.fakeetcd.api.AuthUserListRequest;
import dev.fakeetcd.api.DefragmentRequest;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWT tokens ({@code --auth-token jwt,...}; etcd 3.4: {@code auth/jwt.go}, {@code auth/options.go}).
 * A token is an RS256 JWT with claims {@code username}, {@code revision} (the auth revision when it
 * was issued) and {@code exp}; nothing about it is kept on the server. A permission check refuses
 * a token whose revision is older than the store's; the admin check does not look at it.
 */
class JwtConformanceTest {

  private static final String OLD_REVISION = "etcdserver: revision of auth store is old";

  /**
   * A cluster signing with a fresh RSA key, written in the JDK's encodings: PKCS#8
   * ({@code PRIVATE KEY}) and X.509 SubjectPublicKeyInfo ({@code PUBLIC KEY}). etcd's jwt library
   * ({@code ParseRSAPrivateKeyFromPEM}) also takes PKCS#1 ({@code RSA PRIVATE KEY}).
   */
  private static PrivateCluster launch(ClusterLauncher launcher, Path dir, KeyPair keys,
      boolean pkcs1, String ttl) throws IOException {
    byte[] pkcs8 = keys.getPrivate().getEncoded();
    Path priv = dir.resolve("priv.pem");
    Path pub = dir.resolve("pub.pem");
    Files.writeString(priv, pkcs1 ? pem("RSA PRIVATE KEY", rsaPrivateKey(pkcs8))
        : pem("PRIVATE KEY", pkcs8));
    Files.writeString(pub, pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    return launcher.launch(Auth.options().authToken("jwt,pub-key=" + pub + ",priv-key=" + priv
        + ",sign-method=RS256,ttl=" + ttl));
  }

  private static PrivateCluster launch(ClusterLauncher launcher, Path dir)
      throws IOException, GeneralSecurityException {
    return launch(launcher, dir, rsaKeys(), false, "5m");
  }

  private static KeyPair rsaKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /**
   * The PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER version,
   * SEQUENCE algorithm, OCTET STRING privateKey }.
   */
  private static byte[] rsaPrivateKey(byte[] pkcs8) {
    ByteBuffer der = ByteBuffer.wrap(pkcs8);
    readHeader(der, 0x30);
    skip(der, readHeader(der, 0x02));
    skip(der, readHeader(der, 0x30));
    int length = readHeader(der, 0x04);
    return Arrays.copyOfRange(pkcs8, der.position(), der.position() + length);
  }

  private static void skip(ByteBuffer der, int length) {
    der.position(der.position() + length);
  }

  /** Reads a DER tag (which must be {@code tag}) and length; returns the length. */
  private static int readHeader(ByteBuffer der, int tag) {
    int read = der.get() & 0xff;
    if (read != tag) {
      throw new IllegalArgumentException("DER tag " + read + ", expected " + tag);
    }
    int first = der.get() & 0xff;
    if (first < 0x80) {
      return first;
    }
    int length = 0;
    for (int i = 0; i < (first & 0x7f); i++) {
      length = (length << 8) | (der.get() & 0xff);
    }
    return length;
  }

  private static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }

  private static RangeRequest get(String key) {
    return RangeRequest.newBuilder().setKey(Auth.bytes(key)).build();
  }

  private static Caller alice(PrivateCluster cluster, Caller root) {
    return Auth.user(cluster, root, "alice", permission(READ, "k", ""));
  }

  @ConformanceTest
  void authenticate_returnsAnRs256JwtWithUsernameAndRevisionClaims(ClusterLauncher launcher,
      @TempDir Path dir) throws Exception {
    KeyPair keys = rsaKeys();
    PrivateCluster cluster = launch(launcher, dir, keys, false, "5m");
    Auth.enable(cluster);

    String token = Auth.authenticate(cluster.channels().get(0), "root", Auth.ROOT_PASSWORD);

    String[] parts = token.split("\\.", -1);
    assertThat(parts).hasSize(3).allSatisfy(part -> assertThat(part).matches("[A-Za-z0-9_-]+"));
    assertThat(decode(parts[0])).contains("\"alg\":\"RS256\"");
    assertThat(decode(parts[1])).contains("\"username\":\"root\"")
        .containsPattern("\"revision\":[1-9]\\d*[,}]").containsPattern("\"exp\":\\d+");
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initVerify(keys.getPublic());
    rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(rs256.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
  }

  @ConformanceTest
  void launch_pkcs1PrivateKey_isAccepted(ClusterLauncher launcher, @TempDir Path dir)
      throws Exception {
    PrivateCluster cluster = launch(launcher, dir, rsaKeys(), true, "5m");
    Auth.enable(cluster);

    assertThat(Auth.authenticate(cluster.channels().get(0), "root", Auth.ROOT_PASSWORD).split(
        "\\.")).hasSize(3);
  }

  @ConformanceTest
  void jwt_afterAnAuthChange_failsRevisionOfAuthStoreIsOld(ClusterLauncher launcher,
      @TempDir Path dir) throws Exception {
    PrivateCluster cluster = launch(launcher, dir);
    Caller root = Auth.enable(cluster);
    Caller alice = alice(cluster, root);
    assertThat(alice.kv().range(get("k")).getCount()).isZero();

    Auth.addRole(root, "unrelated");

    assertFails(() -> alice.kv().range(get("k")), Status.Code.INVALID_ARGUMENT, OLD_REVISION);
  }

  @ConformanceTest
  void jwt_reissuedAfterAnAuthChange_works(ClusterLauncher launcher, @TempDir Path dir)
      throws Exception {
    PrivateCluster cluster = launch(launcher, dir);
    Caller root = Auth.enable(cluster);
    alice(cluster, root);
    Auth.addRole(root, "unrelated");

    Caller again = Auth.login(cluster.channels().get(0), "alice", "alice-pw");

    assertThat(again.kv().range(get("k")).getCount()).isZero();
  }

  @ConformanceTest
  void jwt_staleRootToken_stillPassesTheAdminCheck(ClusterLauncher launcher, @TempDir Path dir)
      throws Exception {
    PrivateCluster cluster = launch(launcher, dir);
    Caller root = Auth.enable(cluster);
    Auth.addRole(root, "unrelated");

    assertFails(() -> root.kv().range(get("k")), Status.Code.INVALID_ARGUMENT, OLD_REVISION);
    assertThat(root.auth().userList(AuthUserListRequest.getDefaultInstance()).getUsersList())
        .containsExactly("root");
  }

  @ConformanceTest
  void jwt_ofADeletedUser_failsUserNameNotFoundOnAdminCalls(ClusterLauncher launcher,
      @TempDir Path dir) throws Exception {
    PrivateCluster cluster = launch(launcher, dir);
    Caller root = Auth.enable(cluster);
    Caller alice = alice(cluster, root);

    root.auth().userDelete(AuthUserDeleteRequest.newBuilder().setName("alice").build());

    String notFound = "etcdserver: user name not found";
    assertFails(() -> alice.auth().userList(AuthUserListRequest.getDefaultInstance()),
        Status.Code.FAILED_PRECONDITION, notFound);
    assertFails(() -> alice.cluster().memberAdd(MemberAddRequest.newBuilder()
        .addPeerURLs(cluster.newPeerUrl()).setIsLearner(true).build()),
        Status.Code.FAILED_PRECONDITION, notFound);
    assertFails(() -> alice.maintenance().defragment(DefragmentRequest.getDefaultInstance()),
        Status.Code.UNKNOWN, "auth: user not found");
    assertFails(() -> alice.kv().range(get("k")), Status.Code.INVALID_ARGUMENT, OLD_REVISION);
  }

  /**
   * AuthDisable bumps the auth revision. With auth off nothing is permission-checked, yet a read
   * served locally still compares the token's revision with the store's after reading
   * ({@code etcdserver/v3_server.go} {@code doSerialize}); a write is not compared.
   */
  @ConformanceTest
  void jwt_issuedBeforeAuthDisable_failsReadsAsOldButStillWrites(ClusterLauncher launcher,
      @TempDir Path dir) throws Exception {
    PrivateCluster cluster = launch(launcher, dir);
    Caller root = Auth.enable(cluster);

    root.auth().authDisable(AuthDisableRequest.getDefaultInstance());

    assertFails(() -> root.kv().range(get("k")), Status.Code.INVALID_ARGUMENT, OLD_REVISION);
    root.kv().put(PutRequest.newBuilder().setKey(Auth.bytes("k")).build());
    assertThat(Auth.anonymous(cluster).kv().range(get("k")).getCount()).isEqualTo(1);
  }

  @ConformanceTest
  void jwt_pastItsTtl_failsInvalidAuthToken(ClusterLauncher launcher, @TempDir Path dir)
      throws Exception {
    PrivateCluster cluster = launch(launcher, dir, rsaKeys(), false, "1s");
    Caller root = Auth.enable(cluster);

    // exp is in whole seconds, so the token lives 0 to 1 s past issue; 2.5 s is safely after.
    Thread.sleep(2_500);

    assertFails(() -> root.kv().range(get("k")), Status.Code.UNAUTHENTICATED,
        "etcdserver: invalid auth token");
  }
}
