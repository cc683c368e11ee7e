/**
 * The JUnit 5 extension: {@link dev.fakeetcd.junit.EtcdTest} gives a test a fake etcd cluster, its
 * members, endpoints, channels and jetcd clients (authenticated as an
 * {@link dev.fakeetcd.junit.EtcdUser} if asked); {@link dev.fakeetcd.junit.EtcdAssertions} checks
 * it. {@link dev.fakeetcd.junit.EtcdClusterExtension} stands in for jetcd-test's extension of the
 * same name, so that tests written for it run on a fake cluster by an import change.
 * {@code api/fake-etcd-junit5.api} lists every public member; {@code ApiListingTest} keeps it
 * true.
 *
 * <p>Uses only fake-etcd's front door ({@code dev.fakeetcd}) and the generated protos.
 */
package dev.fakeetcd.junit;
