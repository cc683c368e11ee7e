/**
 * The HTTP/1.1 side of a member's client port, as etcd's (its cmux splits one port between gRPC
 * and HTTP): the routes served there ({@link dev.fakeetcd.internal.http.HttpRoute}). Not API.
 */
package dev.fakeetcd.internal.http;
