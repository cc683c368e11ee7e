package dev.fakeetcd.internal.apply;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DowngradeInfo;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.LeaseCheckpointRequest;
import dev.fakeetcd.api.LeaseCheckpointResponse;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrantResponse;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.LeaseRevokeResponse;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.backend.BackendFile;
import dev.fakeetcd.internal.backend.BackendQuota;
import dev.fakeetcd.internal.lease.Lessor;
import dev.fakeetcd.internal.membership.MemberList;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.mvcc.WriteResult;
import dev.fakeetcd.internal.sim.StateMachine;
import dev.fakeetcd.internal.rpctypes.DeepParsing;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * One member's applied etcd state: the MVCC store, fed by committed internal requests. Apply is
 * deterministic, so every member computes the same response for an entry; the member that proposed
 * it hands its own to the waiting client through the {@link ApplyListener}.
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

    /** The store was replaced by a snapshot; what it held before is gone. */
    void restored();
  }

  private final Lessor lessor;
  private final MvccStore store;
  private final AlarmStore alarms = new AlarmStore();
  /** etcd 3.5's downgrade job: the cluster-wide state Downgrade ENABLE and CANCEL set. */
  private DowngradeInfo downgrade = DowngradeInfo.getDefaultInstance();
  /** This member's member list (etcd keeps it in its backend too). */
  private MemberList members = new MemberList();
  private final ApplyListener listener;
  /** The member's disk, which outlives this state machine. */
  private final BackendFile backend;

  public EtcdStateMachine(ApplyListener listener, Lessor lessor, BackendFile backend) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.lessor = Objects.requireNonNull(lessor, "lessor");
    this.backend = Objects.requireNonNull(backend, "backend");
    this.store = new MvccStore(lessor::exists);
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

  public DowngradeInfo downgrade() {
    return downgrade;
  }

  public MemberList members() {
    return members;
  }

  /** etcd's {@code SizeInUse()}, estimated from what this state holds. */
  public long bytesInUse() {
    return BackendFile.inUse(store.storedBytes(), lessor.count(), alarms.count());
  }

  /**
   * Applies one entry. Put, Txn and LeaseGrant are checked against the space quota first, as etcd's
   * quota applier does: one that does not fit is still applied, but answers NOSPACE.
   */
  @Override
  public void apply(long index, long term, byte[] data) {
    if (data.length == 0) {
      backend.applied(index, bytesInUse());
      listener.leaderCommitted(index, term);
      return;
    }
    boolean fresh = backend.isNew(index);
    RaftRequest request = RaftRequest.decode(data);
    Object outcome;
    List<Event> events = List.of();
    boolean raiseNoSpace = false;
    try {
      refuseUnderAlarm(request);
      boolean fits = true;
      WriteResult<?> result = switch (request.kind()) {
        case PUT -> {
          PutRequest put = DeepParsing.parse(PutRequest.parser(), request.request());
          fits = backend.fits(BackendQuota.cost(put));
          yield store.put(put);
        }
        case DELETE_RANGE -> store.deleteRange(
            DeepParsing.parse(DeleteRangeRequest.parser(), request.request()));
        case TXN -> {
          TxnRequest txn = DeepParsing.parse(TxnRequest.parser(), request.request());
          fits = backend.fits(BackendQuota.cost(txn));
          yield store.txn(txn);
        }
        case COMPACTION -> new WriteResult<>(
            store.compact(DeepParsing.parse(CompactionRequest.parser(), request.request())),
            store.revision(), List.of());
        case LEASE_GRANT -> {
          fits = backend.fits(BackendQuota.LEASE_COST);
          yield grant(DeepParsing.parse(LeaseGrantRequest.parser(), request.request()));
        }
        case LEASE_REVOKE -> revoke(DeepParsing.parse(LeaseRevokeRequest.parser(), request.request()));
        case LEASE_CHECKPOINT -> {
          lessor.checkpoint(DeepParsing.parse(LeaseCheckpointRequest.parser(), request.request()));
          yield new WriteResult<>(LeaseCheckpointResponse.newBuilder()
              .setHeader(revisionHeader(store.revision())).build(), store.revision(), List.of());
        }
        case ALARM -> new WriteResult<>(
            alarms.apply(DeepParsing.parse(AlarmRequest.parser(), request.request())),
            store.revision(), List.of());
        case DOWNGRADE_INFO_SET -> {
          DowngradeInfo set = DeepParsing.parse(DowngradeInfo.parser(), request.request());
          // As etcd: cancelling forgets the target too.
          downgrade = set.getEnabled() ? set : DowngradeInfo.getDefaultInstance();
          yield new WriteResult<>(downgrade, store.revision(), List.of());
        }
      };
      events = result.events();
      if (fits) {
        outcome = result.response();
      } else {
        outcome = EtcdError.NO_SPACE.toException();
        // A replay after a restart was answered (and alarmed) before the crash.
        raiseNoSpace = fresh && !alarms.active(AlarmType.NOSPACE);
      }
    } catch (EtcdException e) {
      outcome = e;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("undecodable request in entry " + index, e);
    }
    backend.applied(index, bytesInUse());
    listener.applied(index, request.id(), outcome, events, raiseNoSpace);
  }

  /**
   * etcd's corrupt and capped appliers: a CORRUPT alarm refuses every write, compaction and lease
   * grant or revoke; a NOSPACE alarm refuses puts, lease grants and txns with a top-level put
   * (whichever branch runs). Enforced at apply, so request validation comes first.
   */
  private void refuseUnderAlarm(RaftRequest request) throws InvalidProtocolBufferException {
    switch (request.kind()) {
      case PUT, DELETE_RANGE, TXN, COMPACTION, LEASE_GRANT, LEASE_REVOKE -> {
        if (alarms.active(AlarmType.CORRUPT)) {
          throw EtcdError.CORRUPT.toException();
        }
      }
      default -> {
        return;
      }
    }
    if (!alarms.active(AlarmType.NOSPACE)) {
      return;
    }
    boolean costs = switch (request.kind()) {
      case PUT, LEASE_GRANT -> true;
      case TXN -> BackendQuota.cost(DeepParsing.parse(TxnRequest.parser(), request.request())) > 0;
      default -> false;
    };
    if (costs) {
      throw EtcdError.NO_SPACE.toException();
    }
  }

  private WriteResult<LeaseGrantResponse> grant(LeaseGrantRequest request) {
    long ttl = lessor.grant(request.getID(), request.getTTL());
    return new WriteResult<>(LeaseGrantResponse.newBuilder()
        .setHeader(revisionHeader(store.revision())).setID(request.getID()).setTTL(ttl).build(),
        store.revision(), List.of());
  }

  /** Deletes the lease's keys in one revision (events in key order), then the lease. */
  private WriteResult<LeaseRevokeResponse> revoke(LeaseRevokeRequest request) {
    lessor.requireExists(request.getID());
    WriteResult<Void> deleted = store.deleteAttached(request.getID());
    lessor.remove(request.getID());
    return new WriteResult<>(LeaseRevokeResponse.newBuilder()
        .setHeader(revisionHeader(deleted.revision())).build(), deleted.revision(),
        deleted.events());
  }

  private static ResponseHeader revisionHeader(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
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

  /** A Raft snapshot: what Maintenance's Snapshot sends, then the member list. */
  @Override
  public byte[] snapshot() {
    return withMembers(data(), members);
  }

  /**
   * The data Maintenance's Snapshot sends: keys, leases, alarms, downgrade job. Not the member
   * list: a cluster restored from it gets a list of its own, as etcd's snapshot restore writes.
   */
  public byte[] data() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeByteArrayNoTag(store.snapshot());
      lessor.writeTo(out);
      alarms.writeTo(out);
      out.writeByteArrayNoTag(downgrade.toByteArray());
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
      downgrade = DowngradeInfo.parseFrom(in.readByteArray());
      members = MemberList.readFrom(outer);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an etcd state machine snapshot", e);
    }
    backend.restored(index, bytesInUse());
    listener.restored();
  }
}
