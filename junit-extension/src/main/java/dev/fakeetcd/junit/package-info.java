/**
 * The JUnit 5 extension: {@link dev.fakeetcd.junit.EtcdTest} gives a test a fake etcd cluster, its
 * members, endpoints, channels and jetcd clients (authenticated as an
 * {@link dev.fakeetcd.junit.EtcdUser} if asked); {@link dev.fakeetcd.junit.EtcdAssertions} checks
 * it. {@code api/fake-etcd-junit5.api} lists every public member; {@code ApiListingTest} keeps it
 * true.
 *
 * <p>Uses only fake-etcd's front door ({@code dev.fakeetcd}) and the generated protos.
 */
package dev.fakeetcd.junit;
