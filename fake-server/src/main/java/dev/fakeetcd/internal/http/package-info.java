/**
 * The HTTP/1.1 side of a member's client port, as etcd's (its cmux splits one port between gRPC
 * and HTTP): the routes served there ({@link dev.fakeetcd.internal.http.HttpRoute}):
 * {@code /health}, {@code /version}, {@code /metrics}; the dispatcher that gives each request to
 * its route, and the answers as Go writes them. Not API.
 *
 * <p>May import server and what it may import.
 */
package dev.fakeetcd.internal.http;
