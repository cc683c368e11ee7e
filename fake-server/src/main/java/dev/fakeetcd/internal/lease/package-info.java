/**
 * The lessor, as etcd's {@code server/lease} keeps it: each member's leases, their expiry,
 * checkpoints and primary/secondary role, part of the member's state machine. What it needs from
 * the member's request path (time, proposing checkpoints) it asks through
 * {@link dev.fakeetcd.internal.lease.Lessor.Host}, which the server implements. Not API.
 *
 * <p>May import rpctypes and the generated protos only.
 */
package dev.fakeetcd.internal.lease;
