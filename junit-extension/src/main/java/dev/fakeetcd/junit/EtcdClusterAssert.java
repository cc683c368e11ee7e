package dev.fakeetcd.junit;

import com.google.protobuf.ByteString;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.MemberListEntry;
import dev.fakeetcd.MemberStatus;
import dev.fakeetcd.api.AlarmMember;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on an {@link EtcdCluster}; start with {@link EtcdAssertions#assertThat(EtcdCluster)}.
 * Key assertions read, serializably, from the leader unless {@link #onMember(Member)} names
 * another member, at the latest revision unless {@link #atRevision(long)} names one.
 */
public final class EtcdClusterAssert extends AbstractAssert<EtcdClusterAssert, EtcdCluster> {

  private final Member target;
  private final long revision;

  EtcdClusterAssert(EtcdCluster cluster, Member target, long revision) {
    super(cluster, EtcdClusterAssert.class);
    this.target = target;
    this.revision = revision;
  }

  /** Key and revision assertions that follow read from {@code member}. */
  public EtcdClusterAssert onMember(Member member) {
    isNotNull();
    return new EtcdClusterAssert(actual, Objects.requireNonNull(member, "member"), revision);
  }

  /** Key assertions that follow read the keyspace as it was at {@code rev}. */
  public EtcdClusterAssert atRevision(long rev) {
    isNotNull();
    if (rev < 1) {
      throw new IllegalArgumentException("revision must be at least 1: " + rev);
    }
    return new EtcdClusterAssert(actual, target, rev);
  }

  /** Some member leads. */
  public EtcdClusterAssert hasLeader() {
    isNotNull();
    List<MemberStatus> status = actual.status();
    if (leader(status).isEmpty()) {
      fail("Expecting the cluster to have a leader, but none of its members leads.", status);
    }
    return this;
  }

  /** No member leads. */
  public EtcdClusterAssert hasNoLeader() {
    isNotNull();
    List<MemberStatus> status = actual.status();
    leader(status).ifPresent(l -> fail("Expecting the cluster to have no leader, but "
        + l.member().name() + " leads.", status));
    return this;
  }

  /** The member list, as MemberList answers, has {@code count} members (added ones included). */
  public EtcdClusterAssert hasMembers(int count) {
    isNotNull();
    List<MemberListEntry> list = actual.memberList();
    if (list.size() != count) {
      failMembership("Expecting the member list to have " + count + " members, but it has "
          + list.size() + ".", list);
    }
    return this;
  }

  /** The voting members are exactly {@code voters}, in any order. */
  public EtcdClusterAssert hasVoters(Member... voters) {
    isNotNull();
    List<MemberListEntry> list = actual.memberList();
    Set<Long> expected = new TreeSet<>();
    for (Member m : voters) {
      expected.add(m.id());
    }
    Set<Long> actualVoters = new TreeSet<>();
    list.stream().filter(m -> !m.learner()).forEach(m -> actualVoters.add(m.id()));
    if (!actualVoters.equals(expected)) {
      failMembership("Expecting the voters to be " + names(voters) + ", but they differ.", list);
    }
    return this;
  }

  /** {@code member} is in the member list as a learner. */
  public EtcdClusterAssert hasLearner(Member member) {
    return hasLearner(member.id());
  }

  /** The member with etcd ID {@code id} (started or not) is in the member list as a learner. */
  public EtcdClusterAssert hasLearner(long id) {
    isNotNull();
    List<MemberListEntry> list = actual.memberList();
    Optional<MemberListEntry> found = list.stream().filter(m -> m.id() == id).findFirst();
    if (found.isEmpty() || !found.get().learner()) {
      failMembership("Expecting " + Long.toUnsignedString(id, 16) + " to be a learner, but it "
          + (found.isEmpty() ? "is not a member." : "is a voter."), list);
    }
    return this;
  }

  /** No member of the member list is a learner. */
  public EtcdClusterAssert hasNoLearner() {
    isNotNull();
    List<MemberListEntry> list = actual.memberList();
    if (list.stream().anyMatch(MemberListEntry::learner)) {
      failMembership("Expecting no learner, but there is one.", list);
    }
    return this;
  }

  /** {@code member} is not in the member list (never added, or removed). */
  public EtcdClusterAssert doesNotHaveMember(Member member) {
    isNotNull();
    List<MemberListEntry> list = actual.memberList();
    if (list.stream().anyMatch(m -> m.id() == member.id())) {
      failMembership("Expecting " + member.name() + " not to be a member, but it is.", list);
    }
    return this;
  }

  /** {@code type} is raised for {@code member}. */
  public EtcdClusterAssert hasAlarm(Member member, AlarmType type) {
    isNotNull();
    List<AlarmMember> alarms = actual.alarms().list();
    if (alarms.stream().noneMatch(a -> a.getMemberID() == member.id() && a.getAlarm() == type)) {
      failAlarms("Expecting alarm " + type + " for " + member.name() + ", but it is not raised.",
          alarms);
    }
    return this;
  }

  /** No alarm is raised on any member. */
  public EtcdClusterAssert hasNoAlarms() {
    isNotNull();
    List<AlarmMember> alarms = actual.alarms().list();
    if (!alarms.isEmpty()) {
      failAlarms("Expecting no alarm, but " + alarms.size() + " are raised.", alarms);
    }
    return this;
  }

  /** {@code member} leads. */
  public EtcdClusterAssert leaderIs(Member member) {
    isNotNull();
    List<MemberStatus> status = actual.status();
    Optional<MemberStatus> leader = leader(status);
    if (leader.isEmpty() || leader.get().member() != member) {
      fail("Expecting " + member.name() + " to lead, but "
          + leader.map(l -> l.member().name() + " leads.").orElse("no member leads."), status);
    }
    return this;
  }

  /** The highest term of any running member is greater than {@code term}. */
  public EtcdClusterAssert termIsGreaterThan(long term) {
    isNotNull();
    List<MemberStatus> status = actual.status();
    long highest = status.stream().mapToLong(MemberStatus::term).max().orElse(0);
    if (highest <= term) {
      fail("Expecting a term greater than " + term + ", but the highest term is " + highest + ".",
          status);
    }
    return this;
  }

  /** The store revision of the leader (or of the {@link #onMember} member) is {@code expected}. */
  public EtcdClusterAssert hasRevision(long expected) {
    isNotNull();
    List<MemberStatus> status = actual.status();
    MemberStatus member = targetStatus(status);
    if (member.revision() != expected) {
      fail("Expecting " + member.member().name() + " to be at revision " + expected
          + ", but it is at " + member.revision() + ".", status);
    }
    return this;
  }

  /** Every member runs and has applied the same index, at the same revision. */
  public EtcdClusterAssert allMembersConverged() {
    isNotNull();
    List<MemberStatus> status = actual.status();
    boolean converged = status.stream().allMatch(MemberStatus::isUp)
        && status.stream().map(s -> List.of(s.appliedIndex(), s.revision())).distinct().count() == 1;
    if (!converged) {
      fail("Expecting every member to run at the same applied index and revision, but they differ.",
          status);
    }
    return this;
  }

  /**
   * Assertions on the calls the cluster's clients made, as it recorded them (see
   * {@code EtcdCluster.history()}); they throw {@link IllegalStateException} if the cluster does
   * not record its history.
   */
  public HistoryAssert history() {
    isNotNull();
    return new HistoryAssert(actual.history());
  }

  /** The key exists; continue with {@link KeyAssert#withValue}. */
  public KeyAssert hasKey(String key) {
    isNotNull();
    List<KeyValue> found = read(key);
    if (found.isEmpty()) {
      fail("Expecting key \"" + key + "\"" + where() + ", but it is not there.", actual.status());
    }
    return new KeyAssert(this, key, found.get(0));
  }

  /** {@code key} is absent, where and when this assertion reads. */
  public EtcdClusterAssert doesNotHaveKey(String key) {
    isNotNull();
    List<KeyValue> found = read(key);
    if (!found.isEmpty()) {
      fail("Expecting no key \"" + key + "\"" + where() + ", but it has value \""
          + found.get(0).getValue().toStringUtf8() + "\" (mod revision "
          + found.get(0).getModRevision() + ").", actual.status());
    }
    return this;
  }

  private List<KeyValue> read(String key) {
    Member member = targetStatus(actual.status()).member();
    RangeRequest request = RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setSerializable(true).setRevision(revision).build();
    ManagedChannel channel = actual.inProcessChannel(member);
    try {
      RangeResponse response = KVGrpc.newBlockingStub(channel).range(request);
      return response.getKvsList();
    } catch (StatusRuntimeException e) {
      fail("Cannot read key \"" + key + "\"" + where() + ": " + e.getStatus().getCode() + " "
          + e.getStatus().getDescription(), actual.status());
      throw e;
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private String where() {
    String on = target != null ? target.name() : "the leader";
    return " on " + on + (revision > 0 ? " at revision " + revision : "");
  }

  private MemberStatus targetStatus(List<MemberStatus> status) {
    if (target != null) {
      return status.get(target.index());
    }
    return leader(status).orElseThrow(() -> {
      fail("Expecting a leader to read from, but none of the members leads; name one with "
          + "onMember(...).", status);
      return new AssertionError();
    });
  }

  private static Optional<MemberStatus> leader(List<MemberStatus> status) {
    return status.stream().filter(s -> s.role().equals("LEADER")).findFirst();
  }

  List<MemberStatus> status() {
    return actual.status();
  }

  void fail(String message, List<MemberStatus> status) {
    StringBuilder sb = new StringBuilder(message).append("\nMembers (seed ")
        .append(actual.seed()).append("):");
    for (MemberStatus s : status) {
      sb.append("\n  ").append(s);
    }
    failWithMessage("%s", sb);
  }

  private void failMembership(String message, List<MemberListEntry> list) {
    StringBuilder sb = new StringBuilder(message).append("\nMember list (seed ")
        .append(actual.seed()).append("):");
    for (MemberListEntry m : list) {
      sb.append("\n  ").append(m);
    }
    failWithMessage("%s", sb);
  }

  private void failAlarms(String message, List<AlarmMember> alarms) {
    StringBuilder sb = new StringBuilder(message).append("\nAlarms (seed ")
        .append(actual.seed()).append("):");
    if (alarms.isEmpty()) {
      sb.append(" none");
    }
    for (AlarmMember a : alarms) {
      sb.append("\n  ").append(a.getAlarm()).append(" for ").append(memberName(a.getMemberID()));
    }
    failWithMessage("%s", sb);
  }

  private String memberName(long id) {
    return actual.members().stream().filter(m -> m.id() == id).findFirst().map(Member::toString)
        .orElse(Long.toUnsignedString(id, 16));
  }

  private static String names(Member... members) {
    StringBuilder sb = new StringBuilder("[");
    for (Member m : members) {
      sb.append(sb.length() > 1 ? ", " : "").append(m.name());
    }
    return sb.append(']').toString();
  }
}
