package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.api.Permission;
import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

class MisuseTest {

  private static void assertMisuse(Class<?> testClass, String... parts) {
    assertMisuse(testClass, Map.of(), parts);
  }

  private static void assertMisuse(Class<?> testClass, Map<String, String> params,
      String... parts) {
    Throwable failure = Kits.failures(Kits.run(testClass, params)).get(0);
    // Parameter resolution wraps it in JUnit's ParameterResolutionException, message included.
    Throwable misuse = failure instanceof ExtensionConfigurationException ? failure
        : failure.getCause();
    assertThat(misuse).isInstanceOf(ExtensionConfigurationException.class);
    assertThat(failure.getMessage()).contains(misuse.getMessage());
    for (String part : parts) {
      assertThat(misuse).hasMessageContaining(part);
    }
  }

  @EtcdTest(members = 3)
  static class MemberOutOfRange {
    @Test
    void test(@EtcdMember(7) Member m) {
    }
  }

  @Test
  void etcdMember_outOfRange_namesTheRangeAndTheFix() {
    assertMisuse(MemberOutOfRange.class, "@EtcdMember(7) on parameter #0 of method test", "has 3 members",
        "indexes 0 to 2", "@EtcdTest(members = 8)");
  }

  @EtcdTest(members = 1)
  static class MemberOnString {
    @Test
    void test(@EtcdMember(0) String s) {
    }
  }

  @Test
  void etcdMember_onWrongType_namesTheTypesItSelectsFor() {
    assertMisuse(MemberOnString.class, "of type String", "use one of those types");
  }

  @EtcdTest(members = 1)
  static class EndpointsOnInteger {
    @Test
    void test(@Endpoints Integer i) {
    }
  }

  @Test
  void endpoints_onWrongType_namesTheTypesToUse() {
    assertMisuse(EndpointsOnInteger.class, "@Endpoints on parameter", "java.lang.Integer",
        "use List<URI> or String");
  }

  @EtcdTest(members = 1, tcp = false)
  static class ClientWithoutTcp {
    @Test
    void test(Client client) {
    }
  }

  @Test
  void client_withoutTcp_saysToRemoveTcpFalse() {
    assertMisuse(ClientWithoutTcp.class, "needs TCP endpoints", "remove tcp = false");
  }

  @EtcdTest(members = 1)
  static class FinalField {
    final EtcdCluster cluster = null;

    @Test
    void test() {
    }
  }

  @Test
  void finalField_saysToMakeItNonFinal() {
    assertMisuse(FinalField.class, "field 'cluster' of FinalField is final", "make it non-final");
  }

  @EtcdTest(members = 1)
  static class PerClassOnMethod {
    @EtcdTest(perClass = true)
    void test(EtcdCluster cluster) {
    }
  }

  @Test
  void perClass_onMethod_saysToPutItOnTheClass() {
    assertMisuse(PerClassOnMethod.class, "perClass = true) on method test",
        "put perClass on the class");
  }

  @EtcdTest(heartbeatMillis = 100, electionMillis = 150)
  static class BadElection {
    @Test
    void test(EtcdCluster cluster) {
    }
  }

  @Test
  void invalidSettings_nameTheValue() {
    assertMisuse(BadElection.class, "@EtcdTest for", "election PT0.15S must be a whole multiple");
  }

  @EtcdTest(members = 1)
  static class InBeforeAll {
    @BeforeAll
    static void setUp(EtcdCluster cluster) {
    }

    @Test
    void test() {
    }
  }

  @Test
  void beforeAll_withoutSharing_saysHowToShare() {
    assertMisuse(InBeforeAll.class, "outside a test method there is no cluster",
        "@EtcdTest(perClass = true)");
  }

  @EtcdTest(members = 1)
  static class AnyTest {
    @Test
    void test(EtcdCluster cluster) {
    }
  }

  @Test
  void seedParameter_notALong_isRejected() {
    assertMisuse(AnyTest.class, Map.of(EtcdExtension.SEED_PARAMETER, "abc"),
        "fake-etcd.seed must be a long: 'abc'");
  }

  static class NegativeRetention {
    @EtcdTest(autoCompactionMode = "revision", autoCompactionRetention = "-5")
    void test(dev.fakeetcd.EtcdCluster cluster) {
    }
  }

  @Test
  void autoCompactionRetention_notACount_namesTheValue() {
    assertMisuse(NegativeRetention.class, "revision auto-compaction retention", "\"-5\"");
  }

  static class MissingSnapshot {
    @EtcdTest(members = 1, restoreFrom = "target/no-such-snapshot.db")
    void test(EtcdCluster cluster) {
    }
  }

  @Test
  void restoreFrom_missingFile_namesTheFile() {
    assertMisuse(MissingSnapshot.class, "@EtcdTest(restoreFrom)",
        "cannot read snapshot target/no-such-snapshot.db", "NoSuchFileException");
  }

  @EtcdTest(members = 1, auth = "users")
  static class AuthMethodMissing {
    @Test
    void test(EtcdCluster cluster) {
    }
  }

  @Test
  void auth_noSuchMethod_saysWhatToAdd() {
    assertMisuse(AuthMethodMissing.class, "@EtcdTest(auth = \"users\")",
        "there is no method users() in " + AuthMethodMissing.class.getName(),
        "add \"static AuthSetup users()\"");
  }

  @EtcdTest(members = 1, auth = "users")
  static class AuthMethodNotStatic {
    AuthSetup users() {
      return AuthSetup.withRootPassword("pw");
    }

    @Test
    void test(EtcdCluster cluster) {
    }
  }

  @Test
  void auth_methodNotStatic_saysToMakeItStatic() {
    assertMisuse(AuthMethodNotStatic.class,
        "method users() of AuthMethodNotStatic is not static", "make it static");
  }

  @EtcdTest(members = 1, auth = "users")
  static class AuthMethodWrongType {
    static String users() {
      return "root:pw";
    }

    @Test
    void test(EtcdCluster cluster) {
    }
  }

  @Test
  void auth_wrongReturnType_saysToReturnAnAuthSetup() {
    assertMisuse(AuthMethodWrongType.class,
        "users() of AuthMethodWrongType returns java.lang.String",
        "make it return dev.fakeetcd.AuthSetup");
  }

  @EtcdTest(members = 1, auth = "users")
  static class AuthMethodThrows {
    static AuthSetup users() {
      throw new IllegalStateException("no password file");
    }

    @Test
    void test(EtcdCluster cluster) {
    }
  }

  @Test
  void auth_methodThrows_namesTheException() {
    assertMisuse(AuthMethodThrows.class, "users() of AuthMethodThrows threw",
        "IllegalStateException: no password file", "make it return the setup");
  }

  @EtcdTest(members = 1, tcp = false, bcryptCost = 4, auth = "users")
  static class AuthSetupRefused {
    static AuthSetup users() {
      return AuthSetup.withRootPassword("pw")
          .grantPrefix("nobody", Permission.Type.READ, "app/");
    }

    @Test
    void test(EtcdCluster cluster) {
    }
  }

  @Test
  void auth_setupTheClusterRefuses_namesEtcdsError() {
    assertMisuse(AuthSetupRefused.class, "@EtcdTest(auth = \"users\")",
        "cannot set auth up: FAILED_PRECONDITION: etcdserver: role name not found",
        "fix the setup users() returns");
  }

  @EtcdTest(members = 1, tcp = false, authToken = "opaque")
  static class UnknownTokenType {
    @Test
    void test(EtcdCluster cluster) {
    }
  }

  @Test
  void authToken_unknownType_namesEtcdsComplaint() {
    assertMisuse(UnknownTokenType.class, "@EtcdTest for", "auth: invalid auth options",
        "unknown token type: opaque");
  }

  @EtcdTest(members = 1)
  static class UserWithoutAuth {
    @Test
    void test(@EtcdUser("alice") Client client) {
    }
  }

  @Test
  void etcdUser_withoutAuth_saysToSetAuthUp() {
    assertMisuse(UserWithoutAuth.class, "@EtcdUser(\"alice\") on parameter",
        "the cluster has no auth", "@EtcdTest(auth = \"...\")");
  }

  @EtcdTest(members = 1, bcryptCost = 4, auth = "users")
  static class UnknownUser {
    static AuthSetup users() {
      return AuthSetup.withRootPassword("pw").user("alice", "alicepw");
    }

    @Test
    void test(@EtcdUser("bob") Client client) {
    }
  }

  @Test
  void etcdUser_notInTheSetup_saysToAddTheUser() {
    assertMisuse(UnknownUser.class, "@EtcdUser(\"bob\")", "the auth setup names no user bob",
        "add .user(\"bob\", password, roles...)");
  }

  @EtcdTest(members = 1)
  static class UserOnChannel {
    @Test
    void test(@EtcdUser("alice") ManagedChannel channel) {
    }
  }

  @Test
  void etcdUser_onWrongType_saysToUseAClient() {
    assertMisuse(UserOnChannel.class, "@EtcdUser on parameter", "of type ManagedChannel",
        "use io.etcd.jetcd.Client");
  }
}
