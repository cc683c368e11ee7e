package dev.fakeetcd.conformance;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.util.List;

/**
 * One etcd cluster a conformance test body runs against: the fake or a real etcd.
 *
 * <p>A target is shared by every test of the run; the harness deletes all keys before each test,
 * but revisions keep growing and leases survive, so tests assert revision relationships, never
 * absolute revisions, and revoke the leases they grant.
 */
public interface EtcdTarget extends AutoCloseable {

  /** The registry name, e.g. {@code real-3}; also the display name of each invocation. */
  String name();

  int memberCount();

  /** Client URLs ({@code http://127.0.0.1:port}), indexed by member. */
  List<URI> endpoints();

  /** A jetcd client connected to every member. */
  Client client();

  /** A plaintext channel to each member, indexed like {@link #endpoints()}, for raw-stub tests. */
  List<ManagedChannel> channels();

  /** Releases everything the target started; calling it again does nothing. */
  @Override
  void close();
}
