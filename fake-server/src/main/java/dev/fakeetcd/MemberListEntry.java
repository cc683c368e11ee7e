package dev.fakeetcd;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the member list, as a MemberList call answers it ({@link EtcdCluster#memberList()}).
 *
 * @param id the etcd member ID, unsigned (written in hex, as etcd writes it)
 * @param name the member's name; empty for a member added and not started yet
 * @param peerUrls the URLs other members reach it on, as the member list holds them: strings, not
 *     URIs, as etcd keeps them: a MemberAdd's normalised and sorted, a MemberUpdate's as given,
 *     unchecked and in their order
 * @param clientUrls the URLs clients reach it on; empty for a member added and not started yet,
 *     or for a member of a cluster without TCP
 * @param learner whether it is a learner (a non-voting member)
 */
public record MemberListEntry(long id, String name, List<String> peerUrls, List<URI> clientUrls,
    boolean learner) {

  /** Copies the lists; {@code name} must not be null. */
  public MemberListEntry {
    Objects.requireNonNull(name, "name");
    peerUrls = List.copyOf(peerUrls);
    clientUrls = List.copyOf(clientUrls);
  }

  /** The entry for {@code member} of a MemberList response. */
  static MemberListEntry of(dev.fakeetcd.api.Member member) {
    return new MemberListEntry(member.getID(), member.getName(), member.getPeerURLsList(),
        member.getClientURLsList().stream().map(URI::create).toList(), member.getIsLearner());
  }

  /** The ID in hex, the name (or "(not started)"), the role, and the URLs. */
  @Override
  public String toString() {
    return Long.toUnsignedString(id, 16) + " " + (name.isEmpty() ? "(not started)" : name)
        + (learner ? " learner" : " voter") + " peers=" + peerUrls + " clients=" + clientUrls;
  }
}
