/**
 * fake-etcd's implementation; not API. Nothing under {@code dev.fakeetcd.internal} is exported by
 * the module (module-info.java exports {@code dev.fakeetcd} only), listed in
 * {@code api/fake-etcd-server.api}, or kept compatible between versions: its types are public only
 * where another internal package, or the benchmarks through
 * {@link dev.fakeetcd.internal.Internals}, must reach them. Users go through the front door,
 * {@code dev.fakeetcd}.
 */
package dev.fakeetcd.internal;
