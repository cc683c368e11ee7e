/**
 * fake-etcd's implementation; not API. Nothing under {@code dev.fakeetcd.internal} is exported (see
 * the module's {@code Automatic-Module-Name} note in its pom), listed in {@code api/}, or kept
 * compatible between versions: its types are public only where another internal package, or the
 * benchmarks through {@link dev.fakeetcd.internal.Internals}, must reach them. Users go through the
 * front door, {@code dev.fakeetcd}.
 */
package dev.fakeetcd.internal;
