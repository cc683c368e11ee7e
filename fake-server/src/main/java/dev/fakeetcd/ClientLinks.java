package dev.fakeetcd;

import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.transport.MemberEndpoints;
import dev.fakeetcd.internal.sim.Trace;
import java.time.Duration;
import java.util.Objects;

/**
 * Faults on the links between clients and members, injected in each member's gRPC server (both
 * transports). Safe to call from any thread; each call is recorded in the cluster's trace.
 *
 * <pre>{@code
 * ClientLinks links = cluster.clientLinks();
 * links.failNext(leader, "etcdserverpb.KV/Put", 2, EtcdFailure.LEADER_CHANGED); // next 2 puts fail
 * links.delayResponses(follower, Duration.ofSeconds(1));  // answers leave 1 s of virtual time later
 * links.drop(member);                                     // clients reconnect on their next call
 * links.clear(member);
 * }</pre>
 */
public final class ClientLinks {

  private final Cluster cluster;
  private final MemberEndpoints endpoints;

  ClientLinks(Cluster cluster, MemberEndpoints endpoints) {
    this.cluster = cluster;
    this.endpoints = endpoints;
  }

  /**
   * Makes the next {@code count} calls of {@code fullMethodName} that reach {@code member} fail with
   * {@code failure}, before the member sees them (so nothing is applied). Calls add up: a second
   * {@code failNext} for the same method takes effect after the first is used up.
   *
   * @param fullMethodName gRPC's full method name, e.g. {@code "etcdserverpb.KV/Put"} or
   *     {@code "etcdserverpb.KV/Range"}
   */
  public void failNext(Member member, String fullMethodName, int count, EtcdFailure failure) {
    Objects.requireNonNull(failure, "failure");
    endpoints.linkFaults(member.index()).failNext(fullMethodName, count, failure.error());
    trace(member, "fail next " + count + " " + fullMethodName + " with " + failure);
  }

  /**
   * Holds back every response (and error) {@code member} sends from now on for {@code delay} of
   * virtual time: in MANUAL mode the test's {@code clock().advance(...)} lets them out, in
   * AUTO_ADVANCE mode the waiting call moves the clock, in WALL_CLOCK mode real time does.
   * {@link Duration#ZERO} ends the delay.
   */
  public void delayResponses(Member member, Duration delay) {
    endpoints.linkFaults(member.index()).delayResponses(delay);
    trace(member, "delay responses " + delay);
  }

  /**
   * Closes every client connection of {@code member}, in-process and TCP: calls in flight fail with
   * UNAVAILABLE, and clients reconnect to the same endpoint on their next call. What the member was
   * doing for those calls goes on (a write may still be applied), as with a real broken connection.
   */
  public void drop(Member member) {
    cluster.dropClientConnections(member.index());
    trace(member, "drop");
  }

  /** Removes {@code member}'s pending failures and response delay. */
  public void clear(Member member) {
    endpoints.linkFaults(member.index()).clear();
    trace(member, "clear");
  }

  private void trace(Member member, String fault) {
    synchronized (cluster.lock()) {
      cluster.trace().record(Trace.Type.FAULT, member.id(), "client links: " + fault);
    }
  }
}
