package dev.fakeetcd.internal.history;

import com.google.protobuf.Message;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Records a cluster's history as its members serve their clients: the transport reports each unary
 * call and each Watch stream message here, from gRPC's threads. Thread-safe; its own monitor guards
 * only its lists and is never held while calling out, so any thread may report, holding any lock.
 *
 * <p>Bounded: past {@link #MAX_OPERATIONS} operations or {@link #MAX_STREAM_MESSAGES} stream
 * messages it stops recording new ones and marks its log truncated, which every check refuses
 * ({@link #refusal}).
 */
public final class HistoryRecorder {

  /** The most unary calls one history keeps. */
  public static final int MAX_OPERATIONS = 100_000;
  /** The most Watch stream messages one history keeps. */
  public static final int MAX_STREAM_MESSAGES = 200_000;

  private final long seed;
  private final LongSupplier nanos;
  private final int maxOperations;
  private final int maxMessages;
  /** The one global order of the records. */
  private final AtomicLong seq = new AtomicLong();
  // Guarded by this.
  private final List<Call> calls = new ArrayList<>();
  private final List<Stream> streams = new ArrayList<>();
  private int messages;
  private boolean truncated;

  /**
   * A recorder for the cluster of {@code seed}, its records stamped with {@code nanos}, virtual
   * time readable from any thread without waiting.
   */
  public HistoryRecorder(long seed, LongSupplier nanos) {
    this(seed, nanos, MAX_OPERATIONS, MAX_STREAM_MESSAGES);
  }

  HistoryRecorder(long seed, LongSupplier nanos, int maxOperations, int maxMessages) {
    this.seed = seed;
    this.nanos = nanos;
    this.maxOperations = maxOperations;
    this.maxMessages = maxMessages;
  }

  /**
   * Member {@code member} received {@code request}, a unary call of {@code method}; the returned
   * call takes its answer. Null once the bound is reached.
   */
  public Call invoke(long member, String method, Message request) {
    synchronized (this) {
      if (calls.size() >= maxOperations) {
        truncated = true;
        return null;
      }
      Call call = new Call(calls.size(), member, method, request, seq.getAndIncrement(),
          nanos.getAsLong());
      calls.add(call);
      return call;
    }
  }

  /**
   * Member {@code member} took a Watch stream; the returned stream takes its messages. Null once
   * the bound is reached (an opening counts as a message).
   */
  public Stream openStream(long member) {
    synchronized (this) {
      if (messages >= maxMessages) {
        truncated = true;
        return null;
      }
      messages++;
      Stream stream = new Stream(streams.size(), member, seq.getAndIncrement());
      streams.add(stream);
      return stream;
    }
  }

  /** How many unary calls are recorded. */
  public int operationCount() {
    synchronized (this) {
      return calls.size();
    }
  }

  /** What has been recorded so far; calls not answered yet are {@code UNKNOWN}. */
  public HistoryLog snapshot() {
    synchronized (this) {
      List<Operation> operations = new ArrayList<>(calls.size());
      for (Call c : calls) {
        operations.add(c.operation());
      }
      List<WatchStream> watches = new ArrayList<>(streams.size());
      for (Stream s : streams) {
        watches.add(new WatchStream(s.id, s.member, s.openSeq, s.closeSeq,
            List.copyOf(s.messages)));
      }
      return new HistoryLog(seed, operations, watches, truncated);
    }
  }

  /**
   * Why {@code log} cannot be checked, if it is truncated: what every check answers instead of a
   * verdict.
   */
  public static Optional<String> refusal(HistoryLog log) {
    if (!log.truncated()) {
      return Optional.empty();
    }
    return Optional.of("the recorded history is incomplete (seed " + log.seed() + "): recording"
        + " stopped at its bound of " + MAX_OPERATIONS + " calls or " + MAX_STREAM_MESSAGES
        + " watch stream messages, so it cannot be checked; check a shorter run, or turn recording off with"
        + " ClusterConfig.Builder.history(false) or @EtcdTest(history = false)");
  }

  /** One unary call being recorded; its first answer counts. */
  public final class Call {
    private final int id;
    private final long member;
    private final String method;
    private final Message request;
    private final long invokeSeq;
    private final long invokeNanos;
    // Guarded by the recorder.
    private long completeSeq = Long.MAX_VALUE;
    private long completeNanos = Long.MAX_VALUE;
    private Operation.Outcome outcome = Operation.Outcome.UNKNOWN;
    private Message response;
    private Status.Code code;
    private String error;

    private Call(int id, long member, String method, Message request, long invokeSeq,
        long invokeNanos) {
      this.id = id;
      this.member = member;
      this.method = method;
      this.request = request;
      this.invokeSeq = invokeSeq;
      this.invokeNanos = invokeNanos;
    }

    /** The member answered with {@code answer}. */
    public void complete(Message answer) {
      end(Operation.Outcome.OK, answer, null);
    }

    /** The member answered with an error {@code status}. */
    public void fail(Status status) {
      end(Operation.Outcome.ERROR, null, status);
    }

    private void end(Operation.Outcome how, Message answer, Status status) {
      synchronized (HistoryRecorder.this) {
        if (outcome != Operation.Outcome.UNKNOWN) {
          return;
        }
        completeSeq = seq.getAndIncrement();
        completeNanos = nanos.getAsLong();
        outcome = how;
        response = answer;
        if (status != null) {
          code = status.getCode();
          error = status.getDescription();
        }
      }
    }

    private Operation operation() {
      return new Operation(id, member, method, request, invokeSeq, invokeNanos, completeSeq,
          completeNanos, outcome, response, code, error);
    }
  }

  /** One Watch stream being recorded. */
  public final class Stream {
    private final int id;
    private final long member;
    private final long openSeq;
    // Guarded by the recorder.
    private long closeSeq = Long.MAX_VALUE;
    private final List<WatchStream.StreamMessage> messages = new ArrayList<>();

    private Stream(int id, long member, long openSeq) {
      this.id = id;
      this.member = member;
      this.openSeq = openSeq;
    }

    /** The client sent {@code request}. */
    public void received(Message request) {
      add(true, request);
    }

    /** The member sent {@code response}. */
    public void sent(Message response) {
      add(false, response);
    }

    private void add(boolean fromClient, Message message) {
      synchronized (HistoryRecorder.this) {
        if (HistoryRecorder.this.messages >= maxMessages) {
          truncated = true;
          return;
        }
        HistoryRecorder.this.messages++;
        messages.add(new WatchStream.StreamMessage(seq.getAndIncrement(), nanos.getAsLong(),
            fromClient, message));
      }
    }

    /** The stream ended, either way; only the first end counts. */
    public void closed() {
      synchronized (HistoryRecorder.this) {
        if (closeSeq == Long.MAX_VALUE) {
          closeSeq = seq.getAndIncrement();
        }
      }
    }
  }
}
