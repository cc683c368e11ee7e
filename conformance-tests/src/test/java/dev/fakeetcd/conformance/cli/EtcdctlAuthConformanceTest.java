package dev.fakeetcd.conformance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdBinary;
import dev.fakeetcd.conformance.LaunchOptions;
import dev.fakeetcd.conformance.PrivateCluster;
import dev.fakeetcd.conformance.cli.Etcdctl.Run;
import java.io.IOException;
import java.net.URI;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An operator setting auth up with the real {@code etcdctl} 3.4, on a private cluster of each
 * target. Expected lines are what etcdctl prints against a real etcd.
 */
@ExtendWith(EtcdBinary.class)
class EtcdctlAuthConformanceTest {

  private record Session(String endpoints) {
    Run run(String... args) throws IOException, InterruptedException {
      return Etcdctl.run(endpoints, args);
    }

    /** Runs a command that must succeed; its output. */
    String ok(String... args) throws IOException, InterruptedException {
      Run run = run(args);
      assertThat(run.exitCode()).as("etcdctl %s: %s", String.join(" ", args), run.err())
          .isZero();
      return run.out();
    }
  }

  private static Session session(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch(LaunchOptions.defaults().bcryptCost(4));
    return new Session(cluster.endpoints().stream().map(URI::toString)
        .collect(Collectors.joining(",")));
  }

  /** Root, and alice with role reader (read k); k holds v; auth on. */
  private static Session readerSetUp(ClusterLauncher launcher)
      throws IOException, InterruptedException {
    Session etcdctl = session(launcher);
    etcdctl.ok("put", "k", "v");
    etcdctl.ok("user", "add", "root:root-pw");
    etcdctl.ok("role", "add", "reader");
    etcdctl.ok("role", "grant-permission", "reader", "read", "k");
    etcdctl.ok("user", "add", "alice:alice-pw");
    etcdctl.ok("user", "grant-role", "alice", "reader");
    etcdctl.ok("auth", "enable");
    return etcdctl;
  }

  @ConformanceTest
  void authSetUp_eachCommand_printsEtcdctlsConfirmation(ClusterLauncher launcher)
      throws Exception {
    Session etcdctl = session(launcher);

    assertThat(etcdctl.ok("user", "add", "root:root-pw")).isEqualTo("User root created\n");
    assertThat(etcdctl.ok("role", "add", "reader")).isEqualTo("Role reader created\n");
    assertThat(etcdctl.ok("role", "grant-permission", "reader", "read", "k"))
        .isEqualTo("Role reader updated\n");
    assertThat(etcdctl.ok("user", "add", "alice:alice-pw")).isEqualTo("User alice created\n");
    assertThat(etcdctl.ok("user", "grant-role", "alice", "reader"))
        .isEqualTo("Role reader is granted to user alice\n");
    // Root has no role root yet: etcdctl adds the role and grants it when AuthEnable says so.
    assertThat(etcdctl.ok("auth", "enable")).isEqualTo("Authentication Enabled\n");
    assertThat(etcdctl.ok("--user", "root:root-pw", "role", "list")).isEqualTo("reader\nroot\n");
  }

  @ConformanceTest
  void get_asUserWithReadOnTheKey_printsIt(ClusterLauncher launcher) throws Exception {
    Session etcdctl = readerSetUp(launcher);

    assertThat(etcdctl.ok("get", "k", "--user", "alice:alice-pw")).isEqualTo("k\nv\n");
  }

  @ConformanceTest
  void put_asUserWithoutWrite_failsPermissionDenied(ClusterLauncher launcher) throws Exception {
    Session etcdctl = readerSetUp(launcher);

    Run denied = etcdctl.run("put", "k", "x", "--user", "alice:alice-pw");

    assertThat(denied.exitCode()).isEqualTo(1);
    assertThat(denied.out()).isEmpty();
    assertThat(denied.err().lines().toList()).last()
        .isEqualTo("Error: etcdserver: permission denied");
  }

  @ConformanceTest
  void get_withoutUserWhileEnabled_failsUserNameIsEmpty(ClusterLauncher launcher)
      throws Exception {
    Session etcdctl = readerSetUp(launcher);

    Run denied = etcdctl.run("get", "k");

    assertThat(denied.exitCode()).isEqualTo(1);
    assertThat(denied.err().lines().toList()).last()
        .isEqualTo("Error: etcdserver: user name is empty");
  }

  @ConformanceTest
  void authDisable_asRoot_letsCommandsWithoutUserThrough(ClusterLauncher launcher)
      throws Exception {
    Session etcdctl = readerSetUp(launcher);

    assertThat(etcdctl.ok("auth", "disable", "--user", "root:root-pw"))
        .isEqualTo("Authentication Disabled\n");
    assertThat(etcdctl.ok("put", "k", "x")).isEqualTo("OK\n");
    assertThat(etcdctl.ok("get", "k")).isEqualTo("k\nx\n");
  }
}
