package dev.fakeetcd.conformance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.StatusResponse;
import dev.fakeetcd.conformance.Channels;
import dev.fakeetcd.conformance.EtcdBinary;
import dev.fakeetcd.conformance.cli.Etcdctl.Run;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands of issue 10 through the real {@code etcdctl} against the runnable server
 * ({@code FakeEtcdMain}, started as its own process, 3 members). Expected output is what etcdctl
 * 3.4 prints against a real etcd.
 */
@ExtendWith(EtcdBinary.class)
class EtcdctlTest {

  private static final long TIMEOUT_SECONDS = 30;

  private static Process server;
  private static List<URI> endpoints;

  @BeforeAll
  static void startServer() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.fakeetcd.FakeEtcdMain", "--members", "3", "--port", "0", "--seed", "7")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    List<URI> printed = new ArrayList<>();
    // The server prints one endpoint per member once it serves, then nothing more.
    while (printed.size() < 3) {
      String line = out.readLine();
      if (line == null) {
        throw new IllegalStateException("the server exited before printing its endpoints");
      }
      printed.add(URI.create(line.trim()));
    }
    endpoints = List.copyOf(printed);
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static String all() {
    return endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
  }

  private static Run etcdctl(String endpointList, String... args)
      throws IOException, InterruptedException {
    return Etcdctl.run(endpointList, args);
  }

  private static StatusResponse status(URI endpoint) {
    ManagedChannel channel = Channels.plaintext(endpoint);
    try {
      return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .status(StatusRequest.getDefaultInstance());
    } finally {
      Channels.shutdown(List.of(channel));
    }
  }

  private static List<String> fields(String line) {
    return Arrays.asList(line.split(", ", -1));
  }

  @Test
  void memberList_listsEveryMemberAsStartedVoter() throws Exception {
    Run run = etcdctl(all(), "member", "list");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.lines()).hasSize(3).allSatisfy(line -> {
      List<String> f = fields(line);
      assertThat(f).hasSize(6);
      assertThat(f.get(0)).matches("[0-9a-f]+");
      assertThat(f.get(1)).isEqualTo("started");
      assertThat(f.get(2)).startsWith("member-");
      assertThat(f.get(5)).isEqualTo("false");
    });
    assertThat(run.lines()).extracting(line -> URI.create(fields(line).get(4)))
        .containsExactlyInAnyOrderElementsOf(endpoints);
  }

  @Test
  void endpointStatus_showsTheVersionAndOneLeader() throws Exception {
    Run run = etcdctl(all(), "endpoint", "status");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.lines()).hasSize(3)
        .allSatisfy(line -> assertThat(fields(line).get(2)).isEqualTo("3.4.23"));
    assertThat(run.lines()).filteredOn(line -> fields(line).get(4).equals("true")).hasSize(1);
  }

  @Test
  void endpointHashkv_isTheSameOnEveryMember() throws Exception {
    assertThat(etcdctl(all(), "put", "hashed", "value").exitCode()).isZero();

    Run run = etcdctl(all(), "endpoint", "hashkv");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.lines()).hasSize(3);
    assertThat(run.lines()).extracting(line -> fields(line).get(1)).containsOnly(
        fields(run.lines().get(0)).get(1));
  }

  @Test
  void alarmList_showsARaisedAlarmUntilDisarmed() throws Exception {
    long member = status(endpoints.get(0)).getHeader().getMemberId();
    ManagedChannel channel = Channels.plaintext(endpoints.get(0));
    try {
      MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE)
              .setMemberID(member).setAlarm(AlarmType.NOSPACE).build());
    } finally {
      Channels.shutdown(List.of(channel));
    }

    Run raised = etcdctl(all(), "alarm", "list");
    Run disarmed = etcdctl(all(), "alarm", "disarm");
    Run after = etcdctl(all(), "alarm", "list");

    assertThat(raised.lines())
        .containsExactly("memberID:" + Long.toUnsignedString(member) + " alarm:NOSPACE ");
    assertThat(disarmed.exitCode()).as(disarmed.err()).isZero();
    assertThat(after.exitCode()).as(after.err()).isZero();
    assertThat(after.out()).isEmpty();
  }

  @Test
  void defrag_finishesOnEveryMember() throws Exception {
    Run run = etcdctl(all(), "defrag");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.lines()).containsExactlyInAnyOrderElementsOf(endpoints.stream()
        .map(endpoint -> "Finished defragmenting etcd member[" + endpoint + "]").toList());
  }

  @Test
  void moveLeader_handsLeadershipToAFollower() throws Exception {
    StatusResponse before = status(endpoints.get(0));
    long follower = endpoints.stream().map(EtcdctlTest::status)
        .map(s -> s.getHeader().getMemberId()).filter(id -> id != before.getLeader())
        .findFirst().orElseThrow();

    Run run = etcdctl(all(), "move-leader", Long.toHexString(follower));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().trim()).isEqualTo("Leadership transferred from "
        + Long.toHexString(before.getLeader()) + " to " + Long.toHexString(follower));
    assertThat(endpoints).allSatisfy(
        endpoint -> assertThat(status(endpoint).getLeader()).isEqualTo(follower));
  }

  @Test
  void snapshotSave_writesTheDataFollowedByItsSha256(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("snapshot.db");

    Run run = etcdctl(endpoints.get(0).toString(), "snapshot", "save", file.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().trim()).isEqualTo("Snapshot saved at " + file);
    byte[] saved = Files.readAllBytes(file);
    assertThat(saved.length).isGreaterThan(32);
    byte[] data = Arrays.copyOf(saved, saved.length - 32);
    assertThat(Arrays.copyOfRange(saved, saved.length - 32, saved.length))
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
