package dev.fakeetcd.internal.sim;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The tiny replicated state machine of these tests: the commands applied, in order. */
final class ReplicatedList implements StateMachine {

  private final List<String> commands = new ArrayList<>();
  private final Consumer<String> onApply;
  private long appliedIndex;

  ReplicatedList() {
    this(command -> { });
  }

  /** {@code onApply} hears every command this state machine applies (not those it restores). */
  ReplicatedList(Consumer<String> onApply) {
    this.onApply = onApply;
  }

  static byte[] command(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  List<String> commands() {
    return List.copyOf(commands);
  }

  long appliedIndex() {
    return appliedIndex;
  }

  @Override
  public void apply(long index, long term, byte[] data) {
    if (data.length > 0) {
      String command = new String(data, StandardCharsets.UTF_8);
      commands.add(command);
      onApply.accept(command);
    }
    appliedIndex = index;
  }

  @Override
  public void applyConfChange(long index, long term, ConfChange change, ConfState confState) {
    commands.add("conf " + change.type() + " " + change.nodeId());
    appliedIndex = index;
  }

  @Override
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(commands.size());
      for (String c : commands) {
        out.writeUTF(c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public void restore(long index, long term, byte[] snapshot) {
    commands.clear();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        commands.add(in.readUTF());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    appliedIndex = index;
  }
}
