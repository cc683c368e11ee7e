package dev.fakeetcd.conformance;

import java.net.URI;

/** A running cluster, fake or real, whose members a {@link PrivateCluster} starts and stops. */
interface MemberControl extends AutoCloseable {

  /** Starts the member a MemberAdd added with {@code peerUrl} (ID {@code id}); its client URL. */
  URI startAdded(long id, URI peerUrl);

  /** Stops member {@code index} for good, as a killed process. */
  void stop(int index);
}
