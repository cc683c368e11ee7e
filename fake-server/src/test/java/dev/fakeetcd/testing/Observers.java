package dev.fakeetcd.testing;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** Stream observers for calls whose single answer a test waits for as a future. */
public final class Observers {

  private Observers() {}

  /** Completes {@code result} with the first value, or exceptionally with the stream's error. */
  public static <T> StreamObserver<T> into(CompletableFuture<T> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
      }
    };
  }
}
