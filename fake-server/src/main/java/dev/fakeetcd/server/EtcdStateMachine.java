package dev.fakeetcd.server;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.raft.ConfChange;
import dev.fakeetcd.raft.ConfState;
import dev.fakeetcd.sim.StateMachine;
import java.util.List;
import java.util.Objects;

/**
 * One member's applied etcd state: the MVCC store, fed by committed internal requests. Apply is
 * deterministic, so every member computes the same response for an entry; the member that proposed
 * it hands its own to the waiting client through the {@link ApplyListener}.
 */
public final class EtcdStateMachine implements StateMachine {

  /** Told of every applied entry, in log order; also the place for watch, lease and auth hooks. */
  interface ApplyListener {
    /**
     * @param outcome the response message, or the {@link EtcdException} the request failed with
     * @param events the events of the revision it created, in etcd's order; empty if none
     */
    void applied(long index, long requestId, Object outcome, List<Event> events);

    /** The member learned of a new leader, {@code leaderId} (possibly itself), in {@code term}. */
    void leaderChanged(long leaderId, long term);

    /** The store was replaced by a snapshot; what it held before is gone. */
    void restored();
  }

  private final MvccStore store = new MvccStore(lease -> false);
  private final ApplyListener listener;

  EtcdStateMachine(ApplyListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  MvccStore store() {
    return store;
  }

  @Override
  public void apply(long index, long term, byte[] data) {
    if (data.length == 0) {
      return; // a new leader's empty entry
    }
    RaftRequest request = RaftRequest.decode(data);
    Object outcome;
    List<Event> events = List.of();
    try {
      WriteResult<?> result = switch (request.kind()) {
        case PUT -> store.put(DeepParsing.parse(PutRequest.parser(), request.request()));
        case DELETE_RANGE -> store.deleteRange(
            DeepParsing.parse(DeleteRangeRequest.parser(), request.request()));
        case TXN -> store.txn(DeepParsing.parse(TxnRequest.parser(), request.request()));
        case COMPACTION -> new WriteResult<>(
            store.compact(DeepParsing.parse(CompactionRequest.parser(), request.request())),
            store.revision(), List.of());
      };
      outcome = result.response();
      events = result.events();
    } catch (EtcdException e) {
      outcome = e;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("undecodable request in entry " + index, e);
    }
    listener.applied(index, request.id(), outcome, events);
  }

  @Override
  public void applyConfChange(long index, long term, ConfChange change, ConfState confState) {
    // Membership is Raft's alone for now; the etcd member list follows the configuration.
  }

  @Override
  public void leaderChanged(long leaderId, long term) {
    listener.leaderChanged(leaderId, term);
  }

  @Override
  public byte[] snapshot() {
    return store.snapshot();
  }

  @Override
  public void restore(long index, long term, byte[] snapshot) {
    store.restore(snapshot);
    listener.restored();
  }
}
