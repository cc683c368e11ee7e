package dev.fakeetcd.internal.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.server.KvValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random puts, deletes, txns and compactions against a naive model that keeps a full copy of the
 * key space per revision; reads at random revisions must agree with it.
 */
class MvccStorePropertyTest {
  private static final int STEPS = 400;
  private static final long[] LEASES = {0, 5, 6};

  /** Full state per revision plus the events that produced it. */
  private static final class Model {
    final TreeMap<Long, TreeMap<ByteString, KeyValue>> states = new TreeMap<>();
    final TreeMap<Long, List<Event>> events = new TreeMap<>();
    long compactRevision = -1;

    Model() {
      states.put(1L, new TreeMap<>(MvccStore.KEY_ORDER));
    }

    long revision() {
      return states.lastKey();
    }

    TreeMap<ByteString, KeyValue> current() {
      return states.lastEntry().getValue();
    }

    /** Runs ops on a copy of the current state; commits a new revision if anything changed. */
    void apply(List<RequestOp> ops) {
      long rev = revision() + 1;
      TreeMap<ByteString, KeyValue> next = new TreeMap<>(current());
      List<Event> changes = new ArrayList<>();
      for (RequestOp op : ops) {
        if (op.hasRequestPut()) {
          PutRequest put = op.getRequestPut();
          KeyValue prev = next.get(put.getKey());
          KeyValue kv = KeyValue.newBuilder().setKey(put.getKey()).setValue(put.getValue()).setLease(put.getLease())
              .setModRevision(rev)
              .setCreateRevision(prev == null ? rev : prev.getCreateRevision())
              .setVersion(prev == null ? 1 : prev.getVersion() + 1)
              .build();
          next.put(put.getKey(), kv);
          changes.add(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build());
        } else if (op.hasRequestDeleteRange()) {
          DeleteRangeRequest delete = op.getRequestDeleteRange();
          for (ByteString key : new ArrayList<>(inRange(next, delete.getKey(), delete.getRangeEnd()).keySet())) {
            next.remove(key);
            changes.add(Event.newBuilder().setType(Event.EventType.DELETE)
                .setKv(KeyValue.newBuilder().setKey(key).setModRevision(rev)).build());
          }
        }
      }
      if (!changes.isEmpty()) {
        states.put(rev, next);
        events.put(rev, changes);
      }
    }

    TreeMap<ByteString, KeyValue> at(long revision) {
      return states.floorEntry(revision).getValue();
    }

    static Map<ByteString, KeyValue> inRange(TreeMap<ByteString, KeyValue> state, ByteString key, ByteString end) {
      if (end.isEmpty()) {
        KeyValue kv = state.get(key);
        return kv == null ? Map.of() : Map.of(key, kv);
      }
      if (MvccStore.KEY_ORDER.compare(end, key) <= 0) {
        return Map.of();
      }
      return state.subMap(key, true, end, false);
    }
  }

  private final Random random = new Random();
  private final MvccStore store = new MvccStore(lease -> true);
  private final Model model = new Model();
  private final KvValidator validator = new KvValidator(KvValidator.DEFAULT_MAX_TXN_OPS);

  private ByteString randomKey() {
    return ByteString.copyFromUtf8("k" + random.nextInt(8));
  }

  private ByteString randomEnd(ByteString key) {
    return switch (random.nextInt(3)) {
      case 0 -> ByteString.EMPTY;
      case 1 -> randomKey();
      default -> ByteString.copyFromUtf8("k9");
    };
  }

  private RequestOp randomWriteOp() {
    ByteString key = randomKey();
    if (random.nextInt(3) > 0) {
      return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key)
          .setValue(ByteString.copyFromUtf8("v" + random.nextInt(100))).setLease(LEASES[random.nextInt(LEASES.length)]))
          .build();
    }
    return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key).setRangeEnd(randomEnd(key)))
        .build();
  }

  private List<RequestOp> randomOps() {
    List<RequestOp> ops = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      ops.add(random.nextInt(4) == 0
          ? RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(randomKey())).build()
          : randomWriteOp());
    }
    return ops;
  }

  private void step() {
    int choice = random.nextInt(10);
    if (choice < 4) {
      RequestOp op = randomWriteOp();
      if (op.hasRequestPut()) {
        store.put(op.getRequestPut());
      } else {
        store.deleteRange(op.getRequestDeleteRange());
      }
      model.apply(List.of(op));
    } else if (choice < 8) {
      ByteString key = randomKey();
      long version = random.nextInt(3);
      TxnRequest txn = TxnRequest.newBuilder()
          .addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.VERSION).setVersion(version))
          .addAllSuccess(randomOps()).addAllFailure(randomOps()).build();
      try {
        validator.checkTxn(txn);
      } catch (EtcdException e) {
        return; // a request etcd would refuse never reaches the store
      }
      KeyValue current = model.current().get(key);
      boolean succeeded = (current == null ? 0 : current.getVersion()) == version;
      assertThat(store.txn(txn).response().getSucceeded()).isEqualTo(succeeded);
      model.apply(succeeded ? txn.getSuccessList() : txn.getFailureList());
    } else if (choice == 8 && random.nextInt(3) == 0 && model.revision() > model.compactRevision) {
      long rev = model.compactRevision + 1 + random.nextInt((int) (model.revision() - model.compactRevision));
      store.compact(CompactionRequest.newBuilder().setRevision(rev).build());
      model.compactRevision = rev;
    }
  }

  private long readableRevision() {
    long low = Math.max(1, model.compactRevision);
    return low + random.nextInt((int) (model.revision() - low + 1));
  }

  private void checkReads() {
    assertThat(store.revision()).isEqualTo(model.revision());
    assertThat(store.compactRevision()).isEqualTo(model.compactRevision);

    long rev = readableRevision();
    ByteString key = randomKey();
    ByteString end = randomEnd(key);
    long limit = random.nextInt(4);
    RangeResponse response = store.range(RangeRequest.newBuilder().setKey(key).setRangeEnd(end).setRevision(rev)
        .setLimit(limit).build());
    List<KeyValue> expected = new ArrayList<>(Model.inRange(model.at(rev), key, end).values());
    assertThat(response.getCount()).isEqualTo(expected.size());
    assertThat(response.getMore()).isEqualTo(limit > 0 && expected.size() > limit);
    assertThat(response.getKvsList()).isEqualTo(limit > 0 && expected.size() > limit ? expected.subList(0, (int) limit) : expected);
    assertThat(response.getHeader().getRevision()).isEqualTo(model.revision());

    assertThat(store.keyAt(key, rev)).isEqualTo(java.util.Optional.ofNullable(model.at(rev).get(key)));

    long lease = LEASES[1 + random.nextInt(LEASES.length - 1)];
    assertThat(store.keysAttachedTo(lease)).isEqualTo(model.current().values().stream()
        .filter(kv -> kv.getLease() == lease).map(KeyValue::getKey).toList());

    // every change above the compact revision is retained (at it, only what compaction keeps)
    long low = Math.max(model.compactRevision + 1, 2);
    if (model.revision() >= low) {
      long from = low + random.nextInt((int) (model.revision() - low + 1));
      List<Event> expectedEvents = model.events.subMap(from, true, model.revision(), true).values().stream()
          .flatMap(List::stream).toList();
      assertThat(store.events(ByteString.copyFrom(new byte[] {0}), ByteString.copyFrom(new byte[] {0}), from, model.revision()))
          .isEqualTo(expectedEvents);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 20240601})
  void store_agreesWithNaiveHistoryModel(long seed) {
    random.setSeed(seed);
    for (int i = 0; i < STEPS; i++) {
      step();
      checkReads();
    }
    assertThat(model.revision()).isGreaterThan(STEPS / 4);
  }
}
