package dev.fakeetcd.conformance.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.conformance.Channels;
import dev.fakeetcd.conformance.EtcdBinary;
import dev.fakeetcd.conformance.RealEtcdCluster;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sends the same seeded random KV request sequences to a one-member fake and a one-member real
 * etcd and compares every answer field by field. Both servers live for the whole class: each
 * sequence first deletes every key and then speaks in revisions relative to the revision seen at
 * that moment on each side, so one divergence does not spoil the sequences after it.
 */
@ExtendWith(EtcdBinary.class)
class KvDifferentialTest {

  private static final long BASE_SEED = Long.getLong("difftest.seed", 0x5eed_0000L);
  private static final int SEQUENCES = Integer.getInteger("difftest.sequences", 200);
  private static final int REQUESTS = Integer.getInteger("difftest.requests", 50);
  private static final int MAX_REPORTED = 10;
  private static final long DEADLINE_SECONDS = 10;
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});
  private static final String[] KEY_NAMES = {"a", "b", "c", "d", "e", "f"};
  private static final int MAX_TXN_OPS = 128;

  private static final String HEADER_REVISION = field(ResponseHeader.getDescriptor().findFieldByName("revision"));
  private static final List<String> ZEROED = List.of(
      field(ResponseHeader.getDescriptor().findFieldByName("cluster_id")),
      field(ResponseHeader.getDescriptor().findFieldByName("member_id")),
      field(ResponseHeader.getDescriptor().findFieldByName("raft_term")));
  private static final List<String> RESPONSE_REVISIONS = List.of(HEADER_REVISION,
      field(KeyValue.getDescriptor().findFieldByName("create_revision")),
      field(KeyValue.getDescriptor().findFieldByName("mod_revision")));
  private static final List<String> REQUEST_REVISIONS = List.of(
      field(RangeRequest.getDescriptor().findFieldByName("revision")),
      field(RangeRequest.getDescriptor().findFieldByName("min_mod_revision")),
      field(RangeRequest.getDescriptor().findFieldByName("max_mod_revision")),
      field(RangeRequest.getDescriptor().findFieldByName("min_create_revision")),
      field(RangeRequest.getDescriptor().findFieldByName("max_create_revision")),
      field(Compare.getDescriptor().findFieldByName("mod_revision")),
      field(Compare.getDescriptor().findFieldByName("create_revision")),
      field(CompactionRequest.getDescriptor().findFieldByName("revision")));

  private static RealEtcdCluster real;
  private static EtcdCluster fake;
  private static ManagedChannel realChannel;
  private static ManagedChannel fakeChannel;

  @BeforeAll
  static void startServers() {
    real = RealEtcdCluster.start(EtcdBinary.path(), "difftest", 1, List.of());
    realChannel = Channels.plaintext(real.clientUrls().get(0));
    fake = FakeEtcd.newCluster(ClusterConfig.builder().members(1).build());
    fakeChannel = fake.inProcessChannel(fake.member(0));
  }

  @AfterAll
  static void stopServers() {
    if (realChannel != null) {
      Channels.shutdown(List.of(realChannel, fakeChannel));
    }
    if (fake != null) {
      fake.close();
    }
    if (real != null) {
      real.close();
    }
  }

  @Test
  void randomKvSequences_answerAsRealEtcd() {
    List<String> divergences = new ArrayList<>();
    for (int index = 0; index < SEQUENCES; index++) {
      String divergence = runSequence(index, BASE_SEED + index);
      if (divergence != null) {
        divergences.add(divergence);
      }
    }
    assertThat(divergences)
        .as("%d of %d sequences diverged; first ones:%n%s", divergences.size(), SEQUENCES,
            String.join("\n", divergences.subList(0, Math.min(MAX_REPORTED, divergences.size()))))
        .isEmpty();
  }

  /** Runs one sequence; returns a description of its first divergence, or null. */
  private static String runSequence(int index, long seed) {
    DeleteRangeRequest wipe = DeleteRangeRequest.newBuilder().setKey(ZERO).setRangeEnd(ZERO).build();
    long realBase = ((Outcome) call(realChannel, wipe)).revision();
    long fakeBase = ((Outcome) call(fakeChannel, wipe)).revision();
    Generator generator = new Generator(new Random(seed), "s" + index + "/");
    for (int step = 0; step < REQUESTS; step++) {
      Message request = generator.next();
      Message realRequest = shift(request, REQUEST_REVISIONS, realBase);
      Message fakeRequest = shift(request, REQUEST_REVISIONS, fakeBase);
      Outcome expected = call(realChannel, realRequest).normalized(realBase);
      Outcome actual = call(fakeChannel, fakeRequest).normalized(fakeBase);
      if (!expected.equals(actual)) {
        return "seed " + seed + ", sequence " + index + ", request " + step + " ("
            + request.getDescriptorForType().getName() + "), revision base real " + realBase
            + " / fake " + fakeBase + "\n--- request (relative revisions) ---\n" + text(request)
            + "--- real etcd (relative revisions) ---\n" + expected
            + "--- fake (relative revisions) ---\n" + actual;
      }
      generator.observe(expected);
    }
    return null;
  }

  /** A response with identity fields cleared, or a gRPC error. */
  private record Outcome(Message response, String code, String description) {

    long revision() {
      if (response == null) {
        throw new IllegalStateException("failed: " + code + " " + description);
      }
      return ((ResponseHeader) response.getField(
          response.getDescriptorForType().findFieldByName("header"))).getRevision();
    }

    Outcome normalized(long base) {
      if (response == null) {
        return this;
      }
      Message cleared = map(response, ZEROED, value -> 0);
      return new Outcome(shift(cleared, RESPONSE_REVISIONS, -base), null, null);
    }

    @Override
    public String toString() {
      return response != null ? text(response) : code + ": " + description + "\n";
    }
  }

  private static Outcome call(ManagedChannel channel, Message request) {
    KVGrpc.KVBlockingStub stub =
        KVGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    try {
      Message response;
      if (request instanceof PutRequest put) {
        response = stub.put(put);
      } else if (request instanceof RangeRequest range) {
        response = stub.range(range);
      } else if (request instanceof DeleteRangeRequest delete) {
        response = stub.deleteRange(delete);
      } else if (request instanceof TxnRequest txn) {
        response = stub.txn(txn);
      } else {
        response = stub.compact((CompactionRequest) request);
      }
      return new Outcome(response, null, null);
    } catch (StatusRuntimeException e) {
      return new Outcome(null, e.getStatus().getCode().name(), e.getStatus().getDescription());
    }
  }

  /** Moves every positive revision field by {@code delta}; 0 (unset or "latest") and negatives stay. */
  private static Message shift(Message message, List<String> revisionFields, long delta) {
    return map(message, revisionFields, value -> value > 0 ? value + delta : value);
  }

  /** Applies {@code operator} to every set int64 field named in {@code fields}, at any depth. */
  private static Message map(Message message, List<String> fields, LongUnaryOperator operator) {
    Message.Builder builder = message.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = entry.getKey();
      if (fields.contains(field(descriptor))) {
        builder.setField(descriptor, operator.applyAsLong((Long) entry.getValue()));
      } else if (descriptor.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (descriptor.isRepeated()) {
          builder.clearField(descriptor);
          for (Object item : (List<?>) entry.getValue()) {
            builder.addRepeatedField(descriptor, map((Message) item, fields, operator));
          }
        } else {
          builder.setField(descriptor, map((Message) entry.getValue(), fields, operator));
        }
      }
    }
    return builder.build();
  }

  private static String field(FieldDescriptor descriptor) {
    return descriptor.getFullName();
  }

  private static String text(Message message) {
    return TextFormat.printer().escapingNonAscii(true).printToString(message);
  }

  /**
   * Random KV requests over a small key pool under one prefix, with revisions relative to the
   * sequence's start (1 = the first write of the sequence). Small pools keep results under Go's
   * insertion-sort threshold, where etcd's unstable sort still keeps ties in key order.
   */
  private static final class Generator {
    private final Random random;
    private final String prefix;
    private long current;
    /**
     * Whether the txn being built may hold puts with ignore flags; such a txn gets no deletes,
     * because etcd 3.4.23 panics (the whole server exits) when a txn deletes a key and then puts
     * it with ignore_value or ignore_lease: the put was checked against the state before the txn.
     */
    private boolean ignoresInTxn = true;

    Generator(Random random, String prefix) {
      this.random = random;
      this.prefix = prefix;
    }

    /** Follows the real server's revision, so revisions requested stay near the live range. */
    void observe(Outcome outcome) {
      if (outcome.response() != null) {
        current = outcome.revision();
      }
    }

    Message next() {
      int kind = random.nextInt(100);
      if (kind < 28) {
        return put();
      }
      if (kind < 56) {
        return range();
      }
      if (kind < 68) {
        return delete();
      }
      if (kind < 96) {
        return txn(0);
      }
      return compact();
    }

    private boolean chance(int percent) {
      return random.nextInt(100) < percent;
    }

    private ByteString key() {
      int pick = random.nextInt(100);
      if (pick < 2) {
        return ByteString.EMPTY;
      }
      if (pick < 5) {
        return ZERO;
      }
      if (pick < 10) {
        return ByteString.copyFromUtf8(prefix);
      }
      return poolKey();
    }

    private ByteString poolKey() {
      return ByteString.copyFromUtf8(prefix + KEY_NAMES[random.nextInt(KEY_NAMES.length)]);
    }

    /** Empty (single key) half the time, else one of etcd's range-end forms. */
    private ByteString rangeEnd(ByteString key) {
      int pick = random.nextInt(100);
      if (pick < 50) {
        return ByteString.EMPTY;
      }
      if (pick < 62) {
        return ZERO;
      }
      if (pick < 80) {
        return prefixEnd(key);
      }
      if (pick < 90) {
        return poolKey();
      }
      return prefixEnd(ByteString.copyFromUtf8(prefix));
    }

    private static ByteString prefixEnd(ByteString key) {
      byte[] end = key.toByteArray();
      for (int i = end.length - 1; i >= 0; i--) {
        if (end[i] != (byte) 0xff) {
          end[i]++;
          return ByteString.copyFrom(end, 0, i + 1);
        }
      }
      return ZERO;
    }

    private ByteString value() {
      return chance(10) ? ByteString.EMPTY : ByteString.copyFromUtf8("v" + random.nextInt(6));
    }

    /** A read revision: mostly latest, else past (maybe compacted), negative or future. */
    private long readRevision() {
      int pick = random.nextInt(100);
      if (pick < 55) {
        return 0;
      }
      if (pick < 62) {
        return -1 - random.nextInt(3);
      }
      if (pick < 70) {
        return current + 1 + random.nextInt(3);
      }
      return pastRevision();
    }

    private long pastRevision() {
      return current < 1 ? 1 : 1 + (long) random.nextInt((int) current);
    }

    private PutRequest.Builder putBuilder() {
      PutRequest.Builder put = PutRequest.newBuilder().setKey(key()).setValue(value())
          .setPrevKv(chance(30));
      if (chance(4)) {
        put.setLease(7 + random.nextInt(3));
      }
      if (ignoresInTxn && chance(10)) {
        put.setIgnoreValue(true);
        if (chance(70)) {
          put.clearValue();
        }
      }
      if (ignoresInTxn && chance(10)) {
        put.setIgnoreLease(true);
      }
      return put;
    }

    private PutRequest put() {
      return putBuilder().build();
    }

    private RangeRequest.Builder rangeBuilder() {
      ByteString key = key();
      RangeRequest.Builder range = RangeRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd(key))
          .setRevision(readRevision());
      if (chance(30)) {
        range.setLimit(chance(15) ? -1 - random.nextInt(2) : random.nextInt(5));
      }
      if (chance(40)) {
        range.setSortOrderValue(random.nextInt(3));
      }
      if (chance(40)) {
        range.setSortTargetValue(random.nextInt(5));
      }
      range.setKeysOnly(chance(15)).setCountOnly(chance(15)).setSerializable(chance(20));
      if (chance(12)) {
        range.setMinModRevision(filterRevision());
      }
      if (chance(12)) {
        range.setMaxModRevision(filterRevision());
      }
      if (chance(12)) {
        range.setMinCreateRevision(filterRevision());
      }
      if (chance(12)) {
        range.setMaxCreateRevision(filterRevision());
      }
      return range;
    }

    private long filterRevision() {
      return 1 + random.nextInt((int) current + 2);
    }

    private RangeRequest range() {
      return rangeBuilder().build();
    }

    private DeleteRangeRequest.Builder deleteBuilder() {
      ByteString key = key();
      return DeleteRangeRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd(key)).setPrevKv(chance(50));
    }

    private DeleteRangeRequest delete() {
      return deleteBuilder().build();
    }

    private Compare compare() {
      ByteString key = chance(92) ? poolKey() : key();
      Compare.Builder compare = Compare.newBuilder().setKey(key)
          .setResultValue(random.nextInt(4)).setTargetValue(random.nextInt(5));
      if (chance(20)) {
        compare.setRangeEnd(rangeEnd(key));
      }
      switch (compare.getTarget()) {
        case VERSION -> compare.setVersion(random.nextInt(4));
        case CREATE -> compare.setCreateRevision(chance(30) ? 0 : filterRevision());
        case MOD -> compare.setModRevision(chance(30) ? 0 : filterRevision());
        case VALUE -> compare.setValue(value());
        default -> compare.setLease(chance(80) ? 0 : 7);
      }
      return compare.build();
    }

    private RequestOp op(int depth) {
      int pick = random.nextInt(depth < 2 ? 100 : 90);
      RequestOp.Builder op = RequestOp.newBuilder();
      if (pick < 30) {
        op.setRequestPut(putBuilder());
      } else if (pick < 60 || (pick < 90 && ignoresInTxn)) {
        op.setRequestRange(rangeBuilder());
      } else if (pick < 90) {
        op.setRequestDeleteRange(deleteBuilder());
      } else {
        op.setRequestTxn(txn(depth + 1));
      }
      return op.build();
    }

    private TxnRequest txn(int depth) {
      if (depth == 0) {
        ignoresInTxn = chance(40);
        try {
          return txnLevel(0);
        } finally {
          ignoresInTxn = true;
        }
      }
      return txnLevel(depth);
    }

    private TxnRequest txnLevel(int depth) {
      TxnRequest.Builder txn = TxnRequest.newBuilder();
      if (depth == 0 && chance(2)) {
        RequestOp read = RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(poolKey()))
            .build();
        for (int i = 0; i <= MAX_TXN_OPS; i++) {
          txn.addSuccess(read);
        }
        return txn.build();
      }
      for (int i = random.nextInt(4); i > 0; i--) {
        txn.addCompare(compare());
      }
      for (int i = random.nextInt(4); i > 0; i--) {
        txn.addSuccess(op(depth));
      }
      for (int i = random.nextInt(3); i > 0; i--) {
        txn.addFailure(op(depth));
      }
      return txn.build();
    }

    /** Mostly at the current revision; sometimes in the future or at an earlier revision of this sequence. */
    private CompactionRequest compact() {
      int pick = random.nextInt(100);
      long revision = pick < 70 ? Math.max(current, 1) : pick < 85 ? current + 1 : pastRevision();
      return CompactionRequest.newBuilder().setRevision(revision).build();
    }
  }
}
