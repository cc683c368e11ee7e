package dev.fakeetcd.internal.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
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
   * an empty message, and what jsonpb refuses is refused in its words.
   */
  static void merge(String json, Message.Builder builder) throws BadRequest {
    JsonElement element = JsonParser.parseString(json);
    if (element.isJsonNull()) {
      return;
    }
    if (!element.isJsonObject()) {
      throw typeError(kind(element), "map[string]json.RawMessage");
    }
    check(element.getAsJsonObject(), builder.getDescriptorForType());
    try {
      PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new BadRequest(e.getMessage());
    }
  }

  /**
   * jsonpb's checks, in its order (declared fields, then oneof members), with its words: each
   * value must suit its field's Go type, bytes must be padded standard base64, enums named by a
   * known name. JsonFormat is laxer (unknown enum names pass as unknown fields), so this runs
   * first.
   */
  private static void check(JsonObject object, Descriptor type) throws BadRequest {
    for (boolean oneofs : new boolean[] {false, true}) {
      for (FieldDescriptor field : type.getFields()) {
        if ((field.getRealContainingOneof() != null) != oneofs) {
          continue;
        }
        JsonElement value = object.has(field.getName())
            ? object.get(field.getName()) : object.get(field.getJsonName());
        if (value == null || value.isJsonNull()) {
          continue;
        }
        if (!field.isRepeated()) {
          checkValue(value, field);
        } else if (!value.isJsonArray()) {
          throw typeError(kind(value), "[]json.RawMessage");
        } else {
          for (JsonElement item : (JsonArray) value) {
            checkValue(item, field);
          }
        }
      }
    }
  }

  private static void checkValue(JsonElement value, FieldDescriptor field) throws BadRequest {
    if (value.isJsonNull()) {
      return;
    }
    switch (field.getJavaType()) {
      case MESSAGE -> {
        if (!value.isJsonObject()) {
          throw typeError(kind(value), "map[string]json.RawMessage");
        }
        check(value.getAsJsonObject(), field.getMessageType());
      }
      case BYTE_STRING -> {
        if (!isString(value)) {
          throw typeError(kind(value), "[]uint8");
        }
        int bad = GoBase64.firstError(value.getAsString());
        if (bad >= 0) {
          throw new BadRequest("illegal base64 data at input byte " + bad);
        }
      }
      case ENUM -> {
        String goType = goEnumName(field.getEnumType());
        if (isString(value)) {
          if (field.getEnumType().findValueByName(value.getAsString()) == null) {
            throw new BadRequest("unknown value " + GoJson.quote(value.getAsString())
                + " for enum " + goType);
          }
        } else {
          checkSigned(value.toString(), goType, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
      }
      case BOOLEAN -> {
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
          throw typeError(kind(value), "bool");
        }
      }
      case STRING -> {
        if (!isString(value)) {
          throw typeError(kind(value), "string");
        }
      }
      case INT, LONG -> checkNumber(value, field);
      default -> {
        // etcd's messages have no floating-point fields.
      }
    }
  }

  /** jsonpb takes the quotes off a quoted number, then decodes what was inside as JSON. */
  private static void checkNumber(JsonElement value, FieldDescriptor field) throws BadRequest {
    FieldDescriptor.Type type = field.getType();
    boolean unsigned = type == FieldDescriptor.Type.UINT32 || type == FieldDescriptor.Type.UINT64
        || type == FieldDescriptor.Type.FIXED32 || type == FieldDescriptor.Type.FIXED64;
    boolean wide = field.getJavaType() == FieldDescriptor.JavaType.LONG;
    String goType = (unsigned ? "uint" : "int") + (wide ? "64" : "32");
    String json = isString(value) ? value.getAsString() : value.toString();
    try {
      GoJson.checkValid(json);
    } catch (GoJson.SyntaxError e) {
      throw new BadRequest(e.getMessage());
    }
    if (unsigned) {
      checkUnsigned(json.strip(), goType, wide);
    } else if (wide) {
      checkSigned(json.strip(), goType, Long.MIN_VALUE, Long.MAX_VALUE);
    } else {
      checkSigned(json.strip(), goType, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
  }

  private static void checkSigned(String literal, String goType, long min, long max)
      throws BadRequest {
    checkIsNumber(literal, goType);
    try {
      long n = Long.parseLong(literal);
      if (n < min || n > max) {
        throw typeError("number " + literal, goType);
      }
    } catch (NumberFormatException e) {
      throw typeError("number " + literal, goType);
    }
  }

  private static void checkUnsigned(String literal, String goType, boolean wide)
      throws BadRequest {
    checkIsNumber(literal, goType);
    try {
      long n = Long.parseUnsignedLong(literal);
      if (!wide && Long.compareUnsigned(n, 0xffff_ffffL) > 0) {
        throw typeError("number " + literal, goType);
      }
    } catch (NumberFormatException e) {
      throw typeError("number " + literal, goType);
    }
  }

  /** A valid JSON text that is not a number is a type error naming its kind. */
  private static void checkIsNumber(String literal, String goType) throws BadRequest {
    char first = literal.charAt(0);
    if (first != '-' && (first < '0' || first > '9')) {
      JsonElement element = JsonParser.parseString(literal);
      if (!element.isJsonNull()) {
        throw typeError(kind(element), goType);
      }
    }
  }

  private static boolean isString(JsonElement value) {
    return value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
  }

  private static BadRequest typeError(String what, String goType) {
    return new BadRequest("json: cannot unmarshal " + what + " into Go value of type " + goType);
  }

  /** The Go type gogo generates for an enum: its package, then its nesting joined by '_'. */
  private static String goEnumName(EnumDescriptor type) {
    String pkg = type.getFile().getPackage();
    return pkg + "." + type.getFullName().substring(pkg.length() + 1).replace('.', '_');
  }

  private static String kind(JsonElement element) {
    if (element.isJsonArray()) {
      return "array";
    }
    if (element.isJsonObject()) {
      return "object";
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
