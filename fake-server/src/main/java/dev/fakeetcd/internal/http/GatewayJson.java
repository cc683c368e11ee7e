package dev.fakeetcd.internal.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/**
 * Messages to and from JSON as etcd 3.4's gateway (grpc-gateway v1's {@code JSONPb{OrigName:
 * true}}, over golang/protobuf's jsonpb) writes and reads them: proto field names, defaults
 * omitted, 64-bit integers as strings, bytes as padded base64, enums by name; unknown fields
 * ignored on the way in.
 */
final class GatewayJson {

  /** A request body the gateway refuses before any call (always {@code InvalidArgument}). */
  static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private GatewayJson() {}

  /** {@code message} as etcd's gateway prints it. */
  static String print(MessageOrBuilder message) {
    try {
      return goEscapes(PRINTER.print(message));
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail to print, and etcd's messages have none.
      throw new IllegalStateException(e);
    }
  }

  /**
   * Decodes one JSON value of {@code json} into {@code builder}, as jsonpb does: {@code null} is
   * an empty message, anything but an object is refused in Go's words, and so are bytes that are
   * not padded standard base64.
   */
  static void merge(String json, Message.Builder builder) throws BadRequest {
    JsonElement element = JsonParser.parseString(json);
    if (element.isJsonNull()) {
      return;
    }
    if (!element.isJsonObject()) {
      throw new BadRequest("json: cannot unmarshal " + goKind(element)
          + " into Go value of type map[string]json.RawMessage");
    }
    checkBytes(element.getAsJsonObject(), builder.getDescriptorForType());
    try {
      PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new BadRequest(e.getMessage());
    }
  }

  private static void checkBytes(JsonObject object, Descriptor type) throws BadRequest {
    for (FieldDescriptor field : type.getFields()) {
      JsonElement value = object.get(field.getName());
      if (value == null) {
        value = object.get(field.getJsonName());
      }
      if (value == null || value.isJsonNull()) {
        continue;
      }
      if (value.isJsonArray() && field.isRepeated()) {
        for (JsonElement item : (JsonArray) value) {
          checkValue(item, field);
        }
      } else {
        checkValue(value, field);
      }
    }
  }

  private static void checkValue(JsonElement value, FieldDescriptor field) throws BadRequest {
    if (field.getType() == FieldDescriptor.Type.BYTES && value.isJsonPrimitive()
        && value.getAsJsonPrimitive().isString()) {
      int bad = GoBase64.firstError(value.getAsString());
      if (bad >= 0) {
        throw new BadRequest("illegal base64 data at input byte " + bad);
      }
    } else if (field.getType() == FieldDescriptor.Type.MESSAGE && value.isJsonObject()) {
      checkBytes(value.getAsJsonObject(), field.getMessageType());
    }
  }

  private static String goKind(JsonElement element) {
    if (element.isJsonArray()) {
      return "array";
    }
    var primitive = element.getAsJsonPrimitive();
    return primitive.isBoolean() ? "bool" : primitive.isNumber() ? "number" : "string";
  }

  /**
   * Gson (under JsonFormat) escapes {@code = '} and writes {@code \b \f}; Go's encoder leaves the
   * first two alone and writes the others as {@code \}{@code u0008 \}{@code u000c}.
   */
  private static String goEscapes(String json) {
    if (json.indexOf('\\') < 0) {
      return json;
    }
    StringBuilder out = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c != '\\' || i + 1 == json.length()) {
        out.append(c);
        continue;
      }
      char e = json.charAt(i + 1);
      if (e == 'b' || e == 'f') {
        out.append(e == 'b' ? "\\u0008" : "\\u000c");
        i++;
      } else if (e == 'u' && json.startsWith("003d", i + 2)) {
        out.append('=');
        i += 5;
      } else if (e == 'u' && json.startsWith("0027", i + 2)) {
        out.append('\'');
        i += 5;
      } else {
        out.append(c).append(e);
        i++;
      }
    }
    return out.toString();
  }
}
