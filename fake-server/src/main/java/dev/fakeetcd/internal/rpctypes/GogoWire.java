package dev.fakeetcd.internal.rpctypes;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Request bytes read as etcd 3.4 reads them, by the gogo-generated {@code Unmarshal} methods of
 * etcdserver/etcdserverpb/rpc.pb.go: they refuse what protobuf-java accepts (a known field with
 * another wire type), accept what it refuses (invalid UTF-8 in a string field, a group closed by
 * another field's end tag, a tag beyond 32 bits), and say why in their own words. Driven by the
 * message descriptors, so one reader serves every request type.
 */
final class GogoWire {

  /** Why etcd's decoder refuses a request, in its words. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private static final String EOF = "unexpected EOF";
  private static final String OVERFLOW = "proto: integer overflow";
  private static final String NEGATIVE = "proto: negative length found during unmarshaling";

  private final byte[] data;
  private int pos;
  /** Whether protobuf-java must get a cleaned copy to read what etcd reads. */
  private boolean needsCopy;

  private GogoWire(byte[] data) {
    this.data = data;
  }

  /**
   * Checks {@code data} as a {@code type} the way etcd does; returns bytes protobuf-java parses to
   * what etcd decodes: {@code data} itself, or a copy with unknown fields dropped and invalid
   * UTF-8 in string fields replaced (etcd keeps those bytes; a Java string cannot).
   */
  static byte[] decodable(Descriptor type, byte[] data) throws Malformed {
    GogoWire check = new GogoWire(data);
    check.message(type, data.length, 0, null);
    if (!check.needsCopy) {
      return data;
    }
    ByteArrayOutputStream copy = new ByteArrayOutputStream(data.length);
    check.pos = 0;
    check.message(type, data.length, 0, copy);
    return copy.toByteArray();
  }

  /** {@code (*T).Unmarshal} over {@code data[pos, limit)}, copying to {@code out} if not null. */
  private void message(Descriptor type, int limit, int depth, ByteArrayOutputStream out)
      throws Malformed {
    if (depth > DeepParsing.RECURSION_LIMIT) {
      throw new Malformed("proto: " + goName(type) + ": more than "
          + DeepParsing.RECURSION_LIMIT + " nested messages");
    }
    while (pos < limit) {
      int start = pos;
      long wire = varint(limit);
      int number = (int) (wire >>> 3);
      int wireType = (int) (wire & 7);
      if (wireType == WireFormat.WIRETYPE_END_GROUP) {
        throw new Malformed("proto: " + goName(type) + ": wiretype end group for non-group");
      }
      if (number <= 0) {
        throw new Malformed("proto: " + goName(type) + ": illegal tag " + number
            + " (wire type " + Long.toUnsignedString(wire) + ")");
      }
      FieldDescriptor field = type.findFieldByNumber(number);
      if (field == null) {
        long skipped = skip(start, limit, depth);
        if (skipped < 0) {
          throw new Malformed(NEGATIVE);
        }
        if (skipped > limit - start) {
          throw new Malformed(EOF);
        }
        pos = start + (int) skipped;
        needsCopy = true;
        continue;
      }
      // protobuf-java reads a tag as 32 bits; gogo reads 64 and takes bits 3 to 34.
      needsCopy |= wire >>> 32 != 0;
      field(field, wireType, limit, depth, out);
    }
  }

  private void field(FieldDescriptor field, int wireType, int limit, int depth,
      ByteArrayOutputStream out) throws Malformed {
    int expected = field.getLiteType().getWireType();
    boolean packed = wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED && field.isRepeated()
        && field.getLiteType().isPackable();
    if (wireType != expected && !packed) {
      throw new Malformed("proto: wrong wireType = " + wireType + " for field "
          + goName(field.getName()));
    }
    if (wireType != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      scalar(field, expected, limit, out);
      return;
    }
    long length = varint(limit);
    long end = pos + length;
    // etcd 3.4 crashes where the sum overflows (a slice bound out of range); refused alike here.
    if (length < 0 || end < 0) {
      throw new Malformed(NEGATIVE);
    }
    if (end > limit) {
      throw new Malformed(EOF);
    }
    if (packed) {
      // gogo reads the elements up to the message's end, not the block's, and goes on from there.
      while (pos < end) {
        scalar(field, expected, limit, out);
      }
      needsCopy |= pos != end;
      return;
    }
    if (field.getType() == FieldDescriptor.Type.MESSAGE) {
      ByteArrayOutputStream nested = out == null ? null : new ByteArrayOutputStream();
      message(field.getMessageType(), (int) end, depth + 1, nested);
      if (out != null) {
        delimited(out, field, nested.toByteArray());
      }
      return;
    }
    int from = pos;
    pos = (int) end;
    boolean validUtf8 = field.getType() != FieldDescriptor.Type.STRING
        || UnsafeByteOperations.unsafeWrap(data, from, pos - from).isValidUtf8();
    needsCopy |= !validUtf8;
    if (out != null) {
      delimited(out, field, validUtf8 ? Arrays.copyOfRange(data, from, pos)
          : new String(data, from, pos - from, StandardCharsets.UTF_8)
              .getBytes(StandardCharsets.UTF_8));
    }
  }

  /** One value of a varint, fixed32 or fixed64 field, written out unpacked. */
  private void scalar(FieldDescriptor field, int wireType, int limit, ByteArrayOutputStream out)
      throws Malformed {
    int from = pos;
    if (wireType == WireFormat.WIRETYPE_VARINT) {
      varint(limit);
    } else {
      int size = wireType == WireFormat.WIRETYPE_FIXED64 ? 8 : 4;
      if (pos + size > limit) {
        throw new Malformed(EOF);
      }
      pos += size;
    }
    if (out != null) {
      writeVarint(out, tag(field, wireType));
      out.write(data, from, pos - from);
    }
  }

  /**
   * skipRpc of rpc.pb.go over {@code data[from, limit)}: the length of the unknown field at
   * {@code from}, in Go's int arithmetic, so possibly negative or past {@code limit}. A group
   * ends at the first end-group tag of any field.
   */
  private long skip(int from, int limit, int depth) throws Malformed {
    if (depth > DeepParsing.RECURSION_LIMIT) {
      throw new Malformed("proto: more than " + DeepParsing.RECURSION_LIMIT + " nested groups");
    }
    pos = from;
    int wireType = (int) (varint(limit) & 7);
    switch (wireType) {
      case WireFormat.WIRETYPE_VARINT -> {
        varint(limit);
        return pos - from;
      }
      case WireFormat.WIRETYPE_FIXED64 -> {
        return pos - from + 8L;
      }
      case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
        long length = varint(limit);
        if (length < 0) {
          throw new Malformed(NEGATIVE);
        }
        return pos - from + length;
      }
      case WireFormat.WIRETYPE_START_GROUP -> {
        while (true) {
          int start = pos;
          if ((varint(limit) & 7) == WireFormat.WIRETYPE_END_GROUP) {
            return pos - from;
          }
          long next = skip(start, limit, depth + 1);
          // etcd 3.4 crashes on a negative one (an index out of range); refused here.
          if (next < 0) {
            throw new Malformed(NEGATIVE);
          }
          if (next >= limit - start) {
            throw new Malformed(EOF); // the group's end is missing
          }
          pos = start + (int) next;
        }
      }
      case WireFormat.WIRETYPE_FIXED32 -> {
        return pos - from + 4L;
      }
      default -> throw new Malformed("proto: illegal wireType " + wireType);
    }
  }

  /** A varint as gogo reads one: at most 64 bits of payload, else an overflow. */
  private long varint(int limit) throws Malformed {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      if (shift >= 64) {
        throw new Malformed(OVERFLOW);
      }
      if (pos >= limit) {
        throw new Malformed(EOF);
      }
      byte b = data[pos++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
  }

  private static void delimited(ByteArrayOutputStream out, FieldDescriptor field, byte[] value) {
    writeVarint(out, tag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED));
    writeVarint(out, value.length);
    out.writeBytes(value);
  }

  private static long tag(FieldDescriptor field, int wireType) {
    return (long) field.getNumber() << 3 | wireType;
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  /** The Go type name: the message's path in its package, nested names joined by "_". */
  private static String goName(Descriptor type) {
    String pkg = type.getFile().getPackage();
    return type.getFullName().substring(pkg.isEmpty() ? 0 : pkg.length() + 1).replace('.', '_');
  }

  /** The Go field name: protoc-gen-go's CamelCase of the proto name. */
  static String goName(String field) {
    StringBuilder name = new StringBuilder();
    int i = 0;
    if (field.startsWith("_")) {
      name.append('X');
      i++;
    }
    for (; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '_' && i + 1 < field.length() && isLower(field.charAt(i + 1))) {
        continue;
      }
      if (c >= '0' && c <= '9') {
        name.append(c);
        continue;
      }
      name.append(isLower(c) ? (char) (c - 32) : c);
      while (i + 1 < field.length() && isLower(field.charAt(i + 1))) {
        name.append(field.charAt(++i));
      }
    }
    return name.toString();
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }
}
