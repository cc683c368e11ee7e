package dev.fakeetcd.internal.server;

import java.net.URI;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What serves the members' clients (their gRPC servers), as the cluster acts on it when a member's
 * process crashes, restarts, leaves or drops its connections. The transport implements it; none of
 * these is called under the cluster lock unless it says so.
 */
public interface ClientEndpoints {

  /** Makes and starts the servers of member {@code index}, a member started after the others. */
  void start(int index);

  /**
   * Runs {@code fault} on member {@code index}'s endpoint: one fault per member at a time.
   *
   * @throws IllegalStateException if the caller holds the cluster lock
   */
  void fault(int index, Runnable fault);

  /** New calls to member {@code index} are refused as by a process that is down; under the lock. */
  void refuse(int index);

  /** Member {@code index} takes calls again; under the lock. */
  void accept(int index);

  /**
   * Ends every open call of member {@code index} as a process that went away ends them, then
   * closes its port and waits until it is free; inside {@link #fault}. New calls must already be
   * {@link #refuse refused}.
   */
  void closeConnections(int index);

  /** Opens member {@code index}'s port again, if there is TCP; inside {@link #fault}. */
  void reopen(int index);

  /** The in-process server name of member {@code index}. */
  String inProcessName(int index);

  /** {@code http://127.0.0.1:port} of each served member, in index order; empty without TCP. */
  List<URI> uris();

  /** Ends every call and stops every server (freeing its port); idempotent. */
  void close();

  /** What the layers above the request path give a cluster as it starts. */
  interface Wiring {

    /** The one queue that every stream's sends go through, in order, on {@code pool}. */
    Executor sendQueue(Executor pool);

    /** Makes and starts the client endpoints of every member of {@code cluster}. */
    ClientEndpoints serve(Cluster cluster);
  }
}
