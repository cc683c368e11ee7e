package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.RangeRequest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class InjectionTest {

  /** What each injection produced, by name; filled by the classes run below. */
  static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

  @EtcdTest(members = 3, seed = 5)
  static class Parameters {
    @Test
    void all(EtcdCluster cluster, Member leader, @EtcdMember(1) Member second,
        ManagedChannel toLeader, @EtcdMember(2) ManagedChannel toThird,
        @Endpoints List<URI> uris, @Endpoints String joined, Client client) throws Exception {
      SEEN.put("cluster", cluster);
      SEEN.put("leader", leader);
      SEEN.put("second", second);
      SEEN.put("uris", uris);
      SEEN.put("joined", joined);
      SEEN.put("toLeaderHeader", KVGrpc.newBlockingStub(toLeader)
          .range(RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("k")).build()).getHeader().getMemberId());
      SEEN.put("toThirdHeader", KVGrpc.newBlockingStub(toThird)
          .range(RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("k")).build()).getHeader().getMemberId());
      ByteSequence k = ByteSequence.from("k", StandardCharsets.UTF_8);
      client.getKVClient().put(k, ByteSequence.from("v", StandardCharsets.UTF_8)).get();
      SEEN.put("clientRevision", client.getKVClient().get(k).get().getHeader().getRevision());
    }
  }

  @Test
  void parameters_everyTypeIsInjected() {
    SEEN.clear();
    Kits.assertAllSucceeded(Kits.run(Parameters.class), 1);

    EtcdCluster cluster = (EtcdCluster) SEEN.get("cluster");
    Member leader = (Member) SEEN.get("leader");
    assertThat(cluster.seed()).isEqualTo(5);
    assertThat(leader.isLeader()).isTrue();
    assertThat(SEEN.get("second")).isSameAs(cluster.member(1));
    assertThat(SEEN.get("uris")).isEqualTo(cluster.endpoints()).asList().hasSize(3);
    assertThat(SEEN.get("joined")).isEqualTo(cluster.endpoints().get(0) + ","
        + cluster.endpoints().get(1) + "," + cluster.endpoints().get(2));
    assertThat(SEEN.get("toLeaderHeader")).isEqualTo(leader.id());
    assertThat(SEEN.get("toThirdHeader")).isEqualTo(cluster.member(2).id());
    assertThat(SEEN.get("clientRevision")).isEqualTo(2L);
  }

  @EtcdTest(members = 3)
  static class Fields {
    EtcdCluster cluster;
    Member leader;
    @EtcdMember(0)
    Member first;
    @Endpoints
    List<URI> endpoints;
    Client client;

    @Test
    void all() {
      SEEN.put("cluster", cluster);
      SEEN.put("leader", leader);
      SEEN.put("first", first);
      SEEN.put("endpoints", endpoints);
      SEEN.put("client", client);
    }
  }

  @Test
  void fields_everyTypeIsInjected() {
    SEEN.clear();
    Kits.assertAllSucceeded(Kits.run(Fields.class), 1);

    EtcdCluster cluster = (EtcdCluster) SEEN.get("cluster");
    assertThat(SEEN.get("leader")).isEqualTo(cluster.leader().orElseThrow());
    assertThat(SEEN.get("first")).isSameAs(cluster.member(0));
    assertThat(SEEN.get("endpoints")).isEqualTo(cluster.endpoints());
    assertThat(SEEN.get("client")).isInstanceOf(Client.class);
  }

  @EtcdTest(members = 1)
  static class SameTestSameCluster {
    EtcdCluster field;

    @Test
    void test(EtcdCluster parameter, ManagedChannel a, ManagedChannel b) {
      SEEN.put("same", field == parameter && a == b);
    }
  }

  @Test
  void fieldAndParameters_inOneTest_shareTheClusterAndChannels() {
    SEEN.clear();
    Kits.assertAllSucceeded(Kits.run(SameTestSameCluster.class), 1);
    assertThat(SEEN.get("same")).isEqualTo(true);
  }

  @EtcdTest(members = 1, bcryptCost = 4, auth = "users")
  static class OneClientPerUser {
    @EtcdUser("alice")
    Client field;

    static AuthSetup users() {
      return AuthSetup.withRootPassword("pw").user("alice", "alicepw");
    }

    @Test
    void test(@EtcdUser("alice") Client alice, @EtcdUser("root") Client root, Client anonymous) {
      SEEN.put("sameForAlice", field == alice);
      SEEN.put("distinct", alice != root && alice != anonymous && root != anonymous);
    }
  }

  @Test
  void etcdUser_fieldAndParameters_shareOneClientPerUser() {
    SEEN.clear();
    Kits.assertAllSucceeded(Kits.run(OneClientPerUser.class), 1);
    assertThat(SEEN).containsEntry("sameForAlice", true).containsEntry("distinct", true);
  }
}
