package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.api.Permission;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CleanupTest {

  static final List<URI> ENDPOINTS = new CopyOnWriteArrayList<>();

  @EtcdTest(members = 3, clock = dev.fakeetcd.VirtualClock.Mode.WALL_CLOCK)
  static class UsesEverything {
    @Test
    void test(@Endpoints List<URI> endpoints, Client client) throws Exception {
      ENDPOINTS.addAll(endpoints);
      client.getKVClient().put(ByteSequence.from("k", StandardCharsets.UTF_8),
          ByteSequence.from("v", StandardCharsets.UTF_8)).get();
    }
  }

  @Test
  void afterTheClass_noPortIsOpenAndNoThreadIsLeft() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    ENDPOINTS.clear();

    Kits.assertAllSucceeded(Kits.run(UsesEverything.class), 1);

    assertThat(ENDPOINTS).hasSize(3);
    for (URI endpoint : ENDPOINTS) {
      assertThat(accepts(endpoint)).as("%s accepts connections", endpoint).isFalse();
    }
    assertNoThreadLeftBeyond(before);
  }

  @EtcdTest(members = 1, bcryptCost = 4, auth = "users")
  static class UsesSeveralUsers {
    static AuthSetup users() {
      return AuthSetup.withRootPassword("pw").role("app")
          .grantPrefix("app", Permission.Type.READWRITE, "app/").user("alice", "alicepw", "app");
    }

    @Test
    void test(@EtcdUser("alice") Client alice, @EtcdUser("root") Client root) throws Exception {
      alice.getKVClient().put(ByteSequence.from("app/k", StandardCharsets.UTF_8),
          ByteSequence.from("v", StandardCharsets.UTF_8)).get();
      root.getKVClient().put(ByteSequence.from("k", StandardCharsets.UTF_8),
          ByteSequence.from("v", StandardCharsets.UTF_8)).get();
    }
  }

  @Test
  void severalUserClients_afterTheClass_noThreadIsLeft() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();

    Kits.assertAllSucceeded(Kits.run(UsesSeveralUsers.class), 1);

    assertNoThreadLeftBeyond(before);
  }

  private static void assertNoThreadLeftBeyond(Set<Thread> before) throws InterruptedException {
    // gRPC releases its shared event loops a second after their last user; bounded wait for that.
    Set<String> left = Set.of();
    for (int i = 0; i < 100; i++) {
      left = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t) && t.isAlive())
          .map(Thread::getName).collect(Collectors.toSet());
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(left).as("threads started by the test class and still alive").isEmpty();
  }

  private static boolean accepts(URI endpoint) {
    try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
