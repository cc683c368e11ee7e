/**
 * Auth as etcd's {@code server/auth} keeps it: the replicated users, roles and permissions of one
 * member ({@link dev.fakeetcd.internal.auth.AuthStore}, part of the member's state machine), the
 * member's tokens ({@link dev.fakeetcd.internal.auth.TokenProvider}: simple or JWT, on the virtual
 * clock) and bcrypt password hashes ({@link dev.fakeetcd.internal.auth.Passwords}). Not API.
 *
 * <p>May import rpctypes and the generated protos only.
 */
package dev.fakeetcd.internal.auth;
