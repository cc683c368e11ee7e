package dev.fakeetcd.internal.v3rpc;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the watch streams' send tasks one after another on a single task of {@code executor}: a
 * revision that has output for many streams costs one thread hand-off (made under the cluster
 * lock), not one per stream. Send tasks must not block; gRPC's {@code onNext} only buffers.
 */
public final class SendQueue implements Executor {

  private final Executor executor;
  private final ConcurrentLinkedQueue<Runnable> due = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();

  public SendQueue(Executor executor) {
    this.executor = executor;
  }

  /** Any thread; throws {@link java.util.concurrent.RejectedExecutionException} once closed. */
  @Override
  public void execute(Runnable task) {
    due.add(task);
    if (running.compareAndSet(false, true)) {
      try {
        executor.execute(this::run);
      } catch (RuntimeException e) {
        running.set(false);
        throw e;
      }
    }
  }

  private void run() {
    do {
      Runnable task;
      while ((task = due.poll()) != null) {
        task.run();
      }
      running.set(false);
      // A task added after the last poll but before the flag was cleared is ours to run.
    } while (!due.isEmpty() && running.compareAndSet(false, true));
  }
}
