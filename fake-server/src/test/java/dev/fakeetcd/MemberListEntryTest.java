package dev.fakeetcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberListEntryTest {

  @Test
  void of_carriesEveryFieldOfTheProtoMember() {
    MemberListEntry entry = MemberListEntry.of(dev.fakeetcd.api.Member.newBuilder()
        .setID(0xfedcba9876543210L).setName("member-1").addPeerURLs("http://10.0.0.9:2380")
        .addClientURLs("http://127.0.0.1:2379").setIsLearner(true).build());

    assertThat(entry).isEqualTo(new MemberListEntry(0xfedcba9876543210L, "member-1",
        List.of("http://10.0.0.9:2380"), List.of(URI.create("http://127.0.0.1:2379")), true));
  }

  @Test
  void of_peerUrlThatIsNoUri_isKeptAsGiven() {
    // MemberUpdate stores any text (etcd 3.4 does not check it); the list must still be read.
    MemberListEntry entry = MemberListEntry.of(dev.fakeetcd.api.Member.newBuilder().setID(1)
        .addPeerURLs(" not a url ").build());

    assertThat(entry.peerUrls()).containsExactly(" not a url ");
  }

  @Test
  void toString_writesTheUnsignedIdInHexAndAnUnstartedMemberAsSuch() {
    MemberListEntry entry = new MemberListEntry(0xfedcba9876543210L, "",
        List.of("http://10.0.0.9:2380"), List.of(), false);

    assertThat(entry).hasToString(
        "fedcba9876543210 (not started) voter peers=[http://10.0.0.9:2380] clients=[]");
  }
}
