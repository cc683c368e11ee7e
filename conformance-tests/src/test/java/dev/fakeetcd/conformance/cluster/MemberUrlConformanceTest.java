package dev.fakeetcd.conformance.cluster;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Stubs.kv;
import static dev.fakeetcd.conformance.Stubs.members;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Member;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberAddResponse;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberListResponse;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.api.MemberUpdateRequest;
import dev.fakeetcd.api.MemberUpdateResponse;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.Members;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.net.URI;
import java.util.List;

/**
 * Peer URLs as etcd 3.4 takes them: MemberAdd parses them with its types.NewURLs (Go's
 * net/url.Parse, then http, https, unix or unixs, host:port, no path) and stores each as Go
 * writes it back, sorted; MemberUpdate checks nothing and stores them as given, in their order.
 * On shared targets only learners that are added and removed again; each test uses URLs of its
 * own (etcd derives the ID from the URLs and the second, and refuses an ID removed before).
 */
class MemberUrlConformanceTest {

  private static final String INVALID = "etcdserver: given member URLs are invalid";

  private static ManagedChannel first(EtcdTarget target) {
    return target.channels().get(0);
  }

  private static MemberListResponse list(EtcdTarget target) {
    return members(first(target)).memberList(MemberListRequest.getDefaultInstance());
  }

  /** Adds a learner with {@code urls}, removes it again, and returns what MemberAdd answered. */
  private static Member addAndRemoveLearner(EtcdTarget target, String... urls) throws Exception {
    MemberAddResponse added = Members.add(target, MemberAddRequest.newBuilder()
        .addAllPeerURLs(List.of(urls)).setIsLearner(true).build());
    members(first(target)).memberRemove(MemberRemoveRequest.newBuilder()
        .setID(added.getMember().getID()).build());
    return added.getMember();
  }

  @ConformanceTest
  void memberAdd_upperCaseSchemeAndSurroundingSpace_storedNormalised(EtcdTarget target)
      throws Exception {
    assertThat(addAndRemoveLearner(target, " HTTP://192.0.2.3:2380\t").getPeerURLsList())
        .containsExactly("http://192.0.2.3:2380");
  }

  @ConformanceTest
  void memberAdd_formsGoAccepts_storedAsGoWritesThemSorted(EtcdTarget target) throws Exception {
    Member added = addAndRemoveLearner(target, "unix://192.0.2.3:2381",
        "HtTpS://Host.Example:2382", "http://192.0.2.3:2383?q#f g", "http://\u00e9:2384",
        "http://192.0.2.3:2385#");

    assertThat(added.getPeerURLsList()).containsExactly("http://%C3%A9:2384",
        "http://192.0.2.3:2383?q#f%20g", "http://192.0.2.3:2385", "https://Host.Example:2382",
        "unix://192.0.2.3:2381");
  }

  @ConformanceTest
  void memberAdd_formsGoRejects_failInvalid(EtcdTarget target) {
    for (String url : List.of("http://192.0.2.3:2380/", "http://192.0.2.3:abc",
        "ftp://192.0.2.3:2380", "192.0.2.3:2380", "http://192.0.2 .3:2380", "http://%41:2380",
        "http://[::1:2380", "http://192.0.2.3:2380:1", "http://192.0.2.3:2380#%zz")) {
      assertFails(() -> members(first(target)).memberAdd(MemberAddRequest.newBuilder()
          .addPeerURLs(url).setIsLearner(true).build()), Status.Code.INVALID_ARGUMENT, INVALID);
    }
  }

  @ConformanceTest
  void memberUpdate_unknownIdWithInvalidUrls_failsNotFound(EtcdTarget target) {
    assertFails(() -> members(first(target)).memberUpdate(MemberUpdateRequest.newBuilder()
            .setID(42).addPeerURLs("bogus").build()),
        Status.Code.NOT_FOUND, "etcdserver: member not found");
  }

  @ConformanceTest
  void memberUpdate_emptyRequest_failsNotFound(EtcdTarget target) {
    assertFails(() -> members(first(target)).memberUpdate(MemberUpdateRequest.getDefaultInstance()),
        Status.Code.NOT_FOUND, "etcdserver: member not found");
  }

  @ConformanceTest
  void memberUpdate_learner_storesUrlsAsGivenInTheirOrder(EtcdTarget target) throws Exception {
    long learner = Members.add(target, "http://192.0.2.3:2386", true).getMember().getID();
    List<String> given = List.of("http://192.0.2.3:2388", " HTTP://192.0.2.3:2387");
    try {
      MemberUpdateResponse updated = members(first(target)).memberUpdate(
          MemberUpdateRequest.newBuilder().setID(learner).addAllPeerURLs(given).build());

      assertThat(updated.getMembersList()).filteredOn(m -> m.getID() == learner).singleElement()
          .extracting(Member::getPeerURLsList).isEqualTo(given);
    } finally {
      members(first(target)).memberRemove(MemberRemoveRequest.newBuilder().setID(learner).build());
    }
  }

  /** Only the member itself applies its own URLs unparsed; other members' transports parse. */
  @ConformanceTest(maxMembers = 1)
  void memberUpdate_soleMemberItself_storesAnyTextAndKeepsServing(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch();
    long self = list(cluster).getMembers(0).getID();
    List<String> given = List.of("bogus", "", "http://b:2", "HTTP://a:1");

    members(first(cluster)).memberUpdate(
        MemberUpdateRequest.newBuilder().setID(self).addAllPeerURLs(given).build());

    assertThat(list(cluster).getMembers(0).getPeerURLsList()).isEqualTo(given);
    kv(first(cluster)).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build());
  }

  @ConformanceTest(maxMembers = 1)
  void memberUpdate_soleMemberItselfWithNoUrls_listsNone(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch();
    long self = list(cluster).getMembers(0).getID();

    members(first(cluster)).memberUpdate(MemberUpdateRequest.newBuilder().setID(self).build());

    assertThat(list(cluster).getMembers(0).getPeerURLsList()).isEmpty();
  }

  @ConformanceTest
  void memberList_peerUrls_loopbackWithPortsOfTheirOwn(EtcdTarget target) {
    List<Member> members = list(target).getMembersList();
    List<URI> peers = members.stream().map(m -> {
      assertThat(m.getPeerURLsList()).hasSize(1);
      return URI.create(m.getPeerURLs(0));
    }).toList();
    List<Integer> clientPorts = members.stream()
        .flatMap(m -> m.getClientURLsList().stream()).map(u -> URI.create(u).getPort()).toList();

    assertThat(peers).extracting(URI::getScheme).containsOnly("http");
    assertThat(peers).extracting(URI::getHost).containsOnly("127.0.0.1");
    assertThat(peers).extracting(URI::getPort).doesNotHaveDuplicates()
        .allSatisfy(port -> assertThat(port).isPositive())
        .doesNotContainAnyElementsOf(clientPorts);
  }
}
