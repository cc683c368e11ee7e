package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.examples.CrashRestartTest.caughtUp;
import static dev.fakeetcd.junit.examples.CrashRestartTest.crashable;
import static dev.fakeetcd.junit.examples.CrashRestartTest.others;
import static dev.fakeetcd.junit.examples.WatchReconnectTest.bytes;
import static dev.fakeetcd.junit.examples.WatchReconnectTest.take;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.junit.EtcdTest;
import dev.fakeetcd.junit.EtcdUser;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A configuration reader watches its prefix through jetcd as a user with READ on it. etcd checks
 * a watch's permission when it is created, so a running watch outlives its token; a watch created
 * again after a broken connection or a restarted member meets the expired token, and jetcd
 * authenticates again and resumes from where it stopped.
 */
class WatchUnderAuthTest {

  static AuthSetup readers() {
    return AuthSetup.withRootPassword("rootpw")
        .role("config-reader").grantPrefix("config-reader", Permission.Type.READ, "config/")
        .role("config-writer").grantPrefix("config-writer", Permission.Type.READWRITE, "config/")
        .user("reader", "reader-pw", "config-reader")
        .user("writer", "writer-pw", "config-writer");
  }

  @Nested
  @EtcdTest(members = 1, auth = "readers", bcryptCost = 4)
  class OneMember extends Scenarios {
  }

  @Nested
  @EtcdTest(members = 3, auth = "readers", bcryptCost = 4)
  class ThreeMembers extends Scenarios {
  }

  abstract static class Scenarios {

    @Test
    void watch_userWithReadOnPrefix_receivesEvents(@EtcdUser("reader") Client reader,
        @EtcdUser("writer") Client writer) throws Exception {
      long first = writer.getKVClient().put(bytes("config/a"), bytes("1"))
          .get(10, TimeUnit.SECONDS).getHeader().getRevision();
      Watching w = new Watching();
      try (Watch.Watcher watcher = w.watch(reader, "config/", first)) {
        writer.getKVClient().put(bytes("config/b"), bytes("2")).get(10, TimeUnit.SECONDS);

        assertThat(take(w.events, 2)).containsExactly("config/a=1", "config/b=2");
        assertThat(w.errors).isEmpty();
      }
    }

    /** jetcd reports the denial as a CANCELLED error carrying etcd's cancel reason. */
    @Test
    void watch_keyOutsideItsPermission_isCanceledPermissionDenied(
        @EtcdUser("reader") Client reader) throws Exception {
      Watching w = new Watching();
      try (Watch.Watcher watcher = w.watch(reader, "secrets/", 0)) {
        Throwable first = w.errors.poll(10, TimeUnit.SECONDS);

        assertThat(first).isInstanceOfSatisfying(EtcdException.class, e -> {
          assertThat(e.getErrorCode()).isEqualTo(ErrorCode.CANCELLED);
          assertThat(e.getMessage()).isEqualTo(
              "rpc error: code = PermissionDenied desc = etcdserver: permission denied");
        });
        assertThat(w.events).isEmpty();
      }
    }

    @Test
    void watch_reconnectAfterTokenExpiry_resumesWithoutGapOrDuplicate(EtcdCluster cluster,
        @EtcdUser("reader") Client reader, @EtcdUser("writer") Client writer) throws Exception {
      long first = writer.getKVClient().put(bytes("config/a"), bytes("1"))
          .get(10, TimeUnit.SECONDS).getHeader().getRevision();
      Watching w = new Watching();
      try (Watch.Watcher watcher = w.watch(reader, "config/", first)) {
        List<String> seen = new ArrayList<>(take(w.events, 1));

        cluster.authTokens().expireNow();
        for (Member m : cluster.members()) {    // the watch is created again, with the old token
          cluster.clientLinks().drop(m);
        }
        try (Client other = as(cluster.members(), "writer", "writer-pw")) {
          other.getKVClient().put(bytes("config/b"), bytes("2")).get(10, TimeUnit.SECONDS);
          other.getKVClient().put(bytes("config/c"), bytes("3")).get(10, TimeUnit.SECONDS);
          seen.addAll(take(w.events, 2));
          other.getKVClient().put(bytes("config/d"), bytes("4")).get(10, TimeUnit.SECONDS);
          seen.addAll(take(w.events, 1));         // after any duplicate
        }

        assertThat(seen).containsExactly("config/a=1", "config/b=2", "config/c=3", "config/d=4");
        assertThat(w.errors).as("the broken stream, then the refused re-creation")
            .anySatisfy(e -> assertThat(e).hasMessage(
                "rpc error: code = Unauthenticated desc = etcdserver: invalid auth token"));
      }
    }

    @Test
    void watch_onCrashedMember_resumesAfterRestartWithoutGapOrDuplicate(EtcdCluster cluster)
        throws Exception {
      Member member = crashable(cluster);
      Watching w = new Watching();
      try (Client reader = as(List.of(member), "reader", "reader-pw");
          Client writer = as(others(cluster, member), "writer", "writer-pw")) {
        long first = writer.getKVClient().put(bytes("config/a"), bytes("1"))
            .get(10, TimeUnit.SECONDS).getHeader().getRevision();
        try (Watch.Watcher watcher = w.watch(reader, "config/", first)) {
          List<String> seen = new ArrayList<>(take(w.events, 1));

          member.crash();
          List<String> expected = new ArrayList<>(List.of("config/a=1"));
          if (cluster.members().size() > 1) { // the others go on without it
            writer.getKVClient().put(bytes("config/b"), bytes("2")).get(10, TimeUnit.SECONDS);
            expected.add("config/b=2");
          }
          member.restart();
          caughtUp(cluster);
          try (Client after = as(cluster.members(), "writer", "writer-pw")) {
            after.getKVClient().put(bytes("config/c"), bytes("3")).get(10, TimeUnit.SECONDS);
            after.getKVClient().put(bytes("config/d"), bytes("4")).get(10, TimeUnit.SECONDS);
          }
          seen.addAll(take(w.events, expected.size() + 1));
          expected.addAll(List.of("config/c=3", "config/d=4"));

          assertThat(seen).containsExactlyElementsOf(expected);
          assertThat(w.errors).as("what jetcd's watch saw of the crash").isNotEmpty();
        }
      }
    }
  }

  /** A jetcd watch on a prefix, its events and errors kept in order. */
  static final class Watching {
    final LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

    Watch.Watcher watch(Client client, String prefix, long fromRevision) {
      WatchOption option = WatchOption.builder().isPrefix(true).withRevision(fromRevision).build();
      return client.getWatchClient().watch(bytes(prefix), option,
          Watch.listener(r -> events.addAll(r.getEvents()), errors::add));
    }
  }

  /** A client of {@code user} on {@code members} only. */
  static Client as(List<Member> members, String user, String password) {
    return Client.builder().endpoints(members.stream().map(m -> m.endpoint().orElseThrow())
            .toArray(URI[]::new))
        .user(bytes(user)).password(bytes(password)).build();
  }
}
