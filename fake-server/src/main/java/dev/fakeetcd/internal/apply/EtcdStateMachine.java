package dev.fakeetcd.internal.apply;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.DowngradeInfo;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.internal.auth.AuthStore;
import dev.fakeetcd.internal.auth.TokenProvider;
import dev.fakeetcd.internal.backend.BackendFile;
import dev.fakeetcd.internal.lease.Lessor;
import dev.fakeetcd.internal.membership.MemberList;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.sim.StateMachine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * One member's applied etcd state, as Raft sees it: decodes each committed entry and hands it to
 * the apply chain ({@link AlarmApplier}, {@link AuthApplier}, {@link QuotaApplier},
 * {@link StoreApplier}); takes and
 * restores snapshots. Apply is deterministic, so every member computes the same response for an
 * entry; the member that proposed it hands its own to the waiting client through the
 * {@link ApplyListener}.
 */
public final class EtcdStateMachine implements StateMachine {

  /** Told of every applied entry, in log order; also the place for watch, lease and auth hooks. */
  public interface ApplyListener {
    /**
     * @param outcome the response message, or the {@link EtcdException} the request failed with
     * @param events the events of the revision it created, in etcd's order; empty if none
     * @param raiseNoSpace the write was applied over this member's space quota and no NOSPACE
     *     alarm is active: etcd raises one for the member before it answers
     */
    void applied(long index, long requestId, Object outcome, List<Event> events,
        boolean raiseNoSpace);

    /**
     * Whether the membership change committed at {@code index} takes effect (etcd's apply-time
     * check), judged against {@code members}, this member's list before it.
     */
    boolean admitConfChange(long index, ConfChange change, MemberList members);

    /** The member learned of a new leader, {@code leaderId} (possibly itself), in {@code term}. */
    void leaderChanged(long leaderId, long term);

    /** An empty entry: a leader of {@code term} has just committed its first entry. */
    void leaderCommitted(long index, long term);

    /** The store was replaced by a snapshot of {@code index}; what it held before is gone. */
    void restored(long index);
  }

  private final Lessor lessor;
  private final MvccStore store;
  private final AlarmStore alarms = new AlarmStore();
  private final AuthStore auth;
  private final StoreApplier stores;
  private final Applier chain;
  /** This member's member list (etcd keeps it in its backend too). */
  private MemberList members = new MemberList();
  private final ApplyListener listener;
  /** The member's disk, which outlives this state machine. */
  private final BackendFile backend;
  /** Whether this state machine has applied an entry its disk did not hold yet. */
  private boolean resumed;

  /**
   * @param tokens this member's tokens: in its memory, so they go with this state machine when
   *     the member crashes (a restart makes them again from the Authenticate entries it replays)
   */
  public EtcdStateMachine(ApplyListener listener, Lessor lessor, BackendFile backend,
      TokenProvider tokens) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.lessor = Objects.requireNonNull(lessor, "lessor");
    this.backend = Objects.requireNonNull(backend, "backend");
    this.store = new MvccStore(lessor::exists);
    this.auth = new AuthStore(tokens);
    this.stores = new StoreApplier(store, lessor, alarms, auth);
    this.chain = new AlarmApplier(alarms,
        new AuthApplier(auth, store, new QuotaApplier(backend, stores)));
  }

  public MvccStore store() {
    return store;
  }

  public Lessor lessor() {
    return lessor;
  }

  public AlarmStore alarms() {
    return alarms;
  }

  public AuthStore auth() {
    return auth;
  }

  public DowngradeInfo downgrade() {
    return stores.downgrade();
  }

  public MemberList members() {
    return members;
  }

  /** etcd's {@code SizeInUse()}, estimated from what this state holds. */
  public long bytesInUse() {
    return BackendFile.inUse(store.storedBytes(), lessor.count(), alarms.count());
  }

  /** Applies one entry through the chain; an empty one is a new leader's first entry. */
  @Override
  public void apply(long index, long term, byte[] data) {
    if (!resumed && backend.isNew(index)) {
      // Entries replayed from the disk ran as they ran first; from here on, as etcd's start
      // (restoreAlarms), the enforced alarm follows the set, not the order of its alarms.
      resumed = true;
      alarms.restoreEnforced();
    }
    if (data.length == 0) {
      backend.applied(index, bytesInUse());
      listener.leaderCommitted(index, term);
      return;
    }
    RaftRequest request = RaftRequest.decode(data);
    Applied applied;
    try {
      applied = chain.apply(request.kind(), request.message(),
          new Applier.Origin(index, request.who()));
    } catch (EtcdException e) {
      applied = new Applied(e, List.of());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("undecodable request in entry " + index, e);
    }
    // As etcd's server after apply: a write over the quota raises NOSPACE unless one is active;
    // a replay after a restart was answered (and alarmed) before the crash.
    boolean raiseNoSpace = applied.outcome() instanceof EtcdException e
        && e.error() == EtcdError.NO_SPACE && backend.isNew(index)
        && !alarms.active(AlarmType.NOSPACE);
    backend.applied(index, bytesInUse());
    listener.applied(index, request.id(), applied.outcome(), applied.events(), raiseNoSpace);
  }

  @Override
  public boolean admitConfChange(long index, ConfChange change) {
    // Without context: the initial configuration, a bootstrap voter.
    boolean admitted = change.context().length == 0
        || listener.admitConfChange(index, change, members);
    if (admitted) {
      members.apply(change);
    }
    return admitted;
  }

  @Override
  public void applyConfChange(long index, long term, ConfChange change, ConfState confState) {
    backend.applied(index, bytesInUse());
  }

  @Override
  public void leaderChanged(long leaderId, long term) {
    listener.leaderChanged(leaderId, term);
  }

  /**
   * A Raft snapshot: what Maintenance's Snapshot sends, the member list, then the enforced alarm,
   * which the set does not tell (see {@link AlarmStore}) and the entries replayed after the
   * snapshot on a restart need, to run as they ran first.
   */
  @Override
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeRawBytes(withMembers(data(), members));
      out.writeInt32NoTag(alarms.enforced().getNumber());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The data Maintenance's Snapshot sends: keys, leases, alarms, downgrade job, users and roles
   * (not tokens, which etcd keeps in memory only). Not the member
   * list: a cluster restored from it gets a list of its own, as etcd's snapshot restore writes.
   */
  public byte[] data() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeByteArrayNoTag(store.snapshot());
      lessor.writeTo(out);
      alarms.writeTo(out);
      out.writeByteArrayNoTag(stores.downgrade().toByteArray());
      auth.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A Raft snapshot of {@code data} (see {@link #data()}) with the member list {@code members}. */
  public static byte[] withMembers(byte[] data, MemberList members) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeByteArrayNoTag(data);
      members.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public void restore(long index, long term, byte[] snapshot) {
    try {
      CodedInputStream outer = CodedInputStream.newInstance(snapshot);
      CodedInputStream in = CodedInputStream.newInstance(outer.readByteArray());
      store.restore(in.readByteArray());
      lessor.readFrom(in);
      alarms.readFrom(in);
      stores.restoreDowngrade(DowngradeInfo.parseFrom(in.readByteArray()));
      auth.readFrom(in);
      members = MemberList.readFrom(outer);
      if (outer.isAtEnd() || backend.isNew(index)) {
        // A restored cluster's first snapshot, or a leader's: etcd's restoreAlarms.
        alarms.restoreEnforced();
      } else {
        alarms.enforce(AlarmType.forNumber(outer.readInt32()));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not an etcd state machine snapshot", e);
    }
    backend.restored(index, bytesInUse());
    listener.restored(index);
  }
}
