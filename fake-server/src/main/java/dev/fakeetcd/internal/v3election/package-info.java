/**
 * etcd's {@code v3electionpb.Election} service, after etcd's
 * {@code server/etcdserver/api/v3election}: campaigns, proclamations and the Observe stream over a
 * client inside the member ({@code concurrency.Election}). Not API.
 *
 * <p>May import the in-member client ({@code transport.InProcessClient}), {@code watch} (the
 * member's key feed), {@code v3rpc} (the stream {@code Outbox}), {@code sim} (the clock),
 * {@code rpctypes} and the generated protos.
 */
package dev.fakeetcd.internal.v3election;
