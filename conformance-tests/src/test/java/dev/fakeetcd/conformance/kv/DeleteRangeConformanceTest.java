package dev.fakeetcd.conformance.kv;

import static dev.fakeetcd.conformance.Await.await;
import static dev.fakeetcd.conformance.kv.Kv.ZERO;
import static dev.fakeetcd.conformance.kv.Kv.bytes;
import static dev.fakeetcd.conformance.kv.Kv.currentRevision;
import static dev.fakeetcd.conformance.kv.Kv.everything;
import static dev.fakeetcd.conformance.kv.Kv.get;
import static dev.fakeetcd.conformance.kv.Kv.keys;
import static dev.fakeetcd.conformance.kv.Kv.kv;
import static dev.fakeetcd.conformance.kv.Kv.put;
import static dev.fakeetcd.conformance.kv.Kv.sequence;
import static dev.fakeetcd.conformance.kv.Kv.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.options.DeleteOption;

class DeleteRangeConformanceTest {

  @ConformanceTest
  void deleteRange_singleKey_deletesItAtTheNextRevision(EtcdTarget target) {
    long written = put(target, "k", "v");
    put(target, "k2", "v");

    DeleteRangeResponse response = kv(target).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build());

    assertThat(response.getDeleted()).isEqualTo(1);
    assertThat(response.getHeader().getRevision()).isEqualTo(written + 2);
    assertThat(keys(kv(target).range(everything().build()))).containsExactly("k2");
  }

  @ConformanceTest
  void deleteRange_severalKeys_shareOneNewRevision(EtcdTarget target, Client client) {
    put(target, "p/1", "1");
    put(target, "p/2", "2");
    long last = put(target, "p/3", "3");

    DeleteResponse response = await(client.getKVClient().delete(sequence("p/"), DeleteOption.builder().isPrefix(true).build()));

    assertThat(response.getDeleted()).isEqualTo(3);
    assertThat(response.getHeader().getRevision()).isEqualTo(last + 1);
    assertThat(currentRevision(target)).isEqualTo(last + 1);
  }

  @ConformanceTest
  void deleteRange_prevKv_returnsDeletedKeyValuesInKeyOrder(EtcdTarget target) {
    long bRevision = put(target, "b", "2");
    long aRevision = put(target, "a", "1");
    put(target, "c", "3");

    DeleteRangeResponse response = kv(target).deleteRange(
        DeleteRangeRequest.newBuilder().setKey(bytes("a")).setRangeEnd(bytes("c")).setPrevKv(true).build());

    assertThat(response.getDeleted()).isEqualTo(2);
    assertThat(response.getPrevKvsList()).extracting(KeyValue::getKey).containsExactly(bytes("a"), bytes("b"));
    assertThat(response.getPrevKvsList()).extracting(KeyValue::getValue).containsExactly(bytes("1"), bytes("2"));
    assertThat(response.getPrevKvsList()).extracting(KeyValue::getModRevision).containsExactly(aRevision, bRevision);
  }

  @ConformanceTest
  void deleteRange_withoutPrevKv_omitsPrevKvs(EtcdTarget target) {
    put(target, "k", "v");

    DeleteRangeResponse response = kv(target).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build());

    assertThat(response.getDeleted()).isEqualTo(1);
    assertThat(response.getPrevKvsList()).isEmpty();
  }

  @ConformanceTest
  void deleteRange_nothingMatches_keepsTheRevision(EtcdTarget target) {
    long current = put(target, "k", "v");

    DeleteRangeResponse response = kv(target).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("missing")).build());

    assertThat(response.getDeleted()).isZero();
    assertThat(response.getHeader().getRevision()).isEqualTo(current);
    assertThat(currentRevision(target)).isEqualTo(current);
  }

  @ConformanceTest
  void deleteRange_rangeEndZeroByte_deletesEveryKeyFromKey(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "b", "2");
    put(target, "z", "3");

    DeleteRangeResponse response = kv(target).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("b")).setRangeEnd(ZERO).build());

    assertThat(response.getDeleted()).isEqualTo(2);
    assertThat(keys(kv(target).range(everything().build()))).containsExactly("a");
  }

  @ConformanceTest
  void deleteRange_rangeEndNotAfterKey_deletesNothing(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "b", "2");

    DeleteRangeResponse response = kv(target).deleteRange(
        DeleteRangeRequest.newBuilder().setKey(bytes("b")).setRangeEnd(bytes("a")).build());

    assertThat(response.getDeleted()).isZero();
    assertThat(keys(kv(target).range(everything().build()))).containsExactly("a", "b");
  }

  @ConformanceTest
  void deleteRange_thenPut_startsANewIncarnationAtVersionOne(EtcdTarget target) {
    long created = put(target, "k", "v1");
    put(target, "k", "v2");
    kv(target).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build());

    long recreated = put(target, "k", "v3");

    KeyValue stored = single(target, "k");
    assertThat(recreated).isGreaterThan(created);
    assertThat(stored.getCreateRevision()).isEqualTo(recreated);
    assertThat(stored.getVersion()).isEqualTo(1);
  }

  @ConformanceTest
  void deleteRange_deletedKey_isStillVisibleAtAnEarlierRevision(EtcdTarget target) {
    long written = put(target, "k", "v");
    kv(target).deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build());

    assertThat(get(target, "k").getKvsList()).isEmpty();
    assertThat(kv(target).range(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(written).build())
        .getKvsList()).extracting(KeyValue::getValue).containsExactly(bytes("v"));
  }
}
