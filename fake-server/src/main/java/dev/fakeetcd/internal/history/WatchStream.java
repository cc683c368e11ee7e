package dev.fakeetcd.internal.history;

import com.google.protobuf.Message;
import java.util.List;
import java.util.Objects;

/**
 * One Watch stream as a member served it: every request the client sent on it and every response
 * the member sent, in order, each with its place in the history's global order.
 *
 * @param id the stream's number in its history, from 0
 * @param member the ID of the member that served it
 * @param openSeq when the member took the stream
 * @param closeSeq when it ended; {@link Long#MAX_VALUE} if still open when the log was taken
 * @param messages requests ({@code WatchRequest}) and responses ({@code WatchResponse}), in order
 */
public record WatchStream(int id, long member, long openSeq, long closeSeq,
    List<StreamMessage> messages) {

  public WatchStream {
    messages = List.copyOf(messages);
  }

  /**
   * One message on a stream.
   *
   * @param seq its place in the history's global order
   * @param nanos virtual time when the member received or sent it
   * @param fromClient a request the client sent, else a response the member sent
   * @param message a {@code WatchRequest} or a {@code WatchResponse}
   */
  public record StreamMessage(long seq, long nanos, boolean fromClient, Message message) {
    public StreamMessage {
      Objects.requireNonNull(message, "message");
    }
  }
}
