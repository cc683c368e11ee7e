package dev.fakeetcd.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.AuthUserListResponse;
import dev.fakeetcd.api.WatchResponse;
import org.junit.jupiter.api.Test;

class GatewayJsonTest {

  private static RangeRequest range(String json) throws GatewayJson.BadRequest {
    RangeRequest.Builder builder = RangeRequest.newBuilder();
    GatewayJson.merge(json, builder);
    return builder.build();
  }

  @Test
  void print_usesProtoNamesStringIntegersAndEnumNames() {
    WatchResponse response = WatchResponse.newBuilder().setWatchId(-1).addEvents(
        Event.newBuilder().setType(Event.EventType.DELETE)).build();

    assertThat(GatewayJson.print(response))
        .isEqualTo("{\"watch_id\":\"-1\",\"events\":[{\"type\":\"DELETE\"}]}");
  }

  @Test
  void print_escapesStringsAsGo() {
    AuthUserListResponse response = AuthUserListResponse.newBuilder().addUsers("a=b'<\b").build();

    assertThat(GatewayJson.print(response)).isEqualTo("{\"users\":[\"a=b'\\u003c\\u0008\"]}");
  }

  @Test
  void merge_acceptsQuotedIntegersAndCamelCaseNames() throws Exception {
    assertThat(range("{\"limit\":\"3\",\"rangeEnd\":\"AA==\"}"))
        .isEqualTo(RangeRequest.newBuilder().setLimit(3).setRangeEnd(ByteString.copyFrom(new byte[1]))
            .build());
  }

  @Test
  void merge_unknownEnumNameIsRefusedWithGoTypeName() {
    assertThatThrownBy(() -> range("{\"sort_order\":\"UP\"}"))
        .hasMessage("unknown value \"UP\" for enum etcdserverpb.RangeRequest_SortOrder");
  }

  @Test
  void merge_quotedNonNumberIsItsSyntaxError() {
    assertThatThrownBy(() -> range("{\"limit\":\"x\"}"))
        .hasMessage("invalid character 'x' looking for beginning of value");
  }

  @Test
  void merge_boolForIntegerIsTypeError() {
    assertThatThrownBy(() -> range("{\"limit\":true}"))
        .hasMessage("json: cannot unmarshal bool into Go value of type int64");
  }

  @Test
  void merge_overflowNamesTheNumber() {
    assertThatThrownBy(() -> range("{\"limit\":99999999999999999999}"))
        .hasMessage("json: cannot unmarshal number 99999999999999999999 into Go value of type int64");
  }

  @Test
  void merge_numberForBytesIsTypeError() {
    assertThatThrownBy(() -> range("{\"key\":1}"))
        .hasMessage("json: cannot unmarshal number into Go value of type []uint8");
  }

  @Test
  void merge_nullIsEmptyRequest() throws Exception {
    assertThat(range("null")).isEqualTo(RangeRequest.getDefaultInstance());
  }
}
