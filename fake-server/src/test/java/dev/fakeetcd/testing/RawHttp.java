package dev.fakeetcd.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.SocketFactory;

/**
 * HTTP/1.1 over a plain socket, as curl would send it: the fake's module does not read {@code
 * java.net.http}, and a test sometimes wants the bytes on the wire anyway. Reads are bounded by a
 * 10 s socket timeout, so a server that never answers fails the test instead of hanging it.
 */
public final class RawHttp {

  /** One answer: status, headers (names in lower case) and body. */
  public record Response(String statusLine, int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {
  }

  /** {@code GET path} on {@code endpoint} over a new plaintext connection. */
  public static Response get(URI endpoint, String path) {
    return request(SocketFactory.getDefault(), endpoint, "GET", path);
  }

  /** {@code method path} on {@code endpoint} over a new connection made by {@code sockets}. */
  public static Response request(SocketFactory sockets, URI endpoint, String method, String path) {
    try (Socket socket = sockets.createSocket(endpoint.getHost(), endpoint.getPort())) {
      return exchange(socket, method + " " + path + " HTTP/1.1\r\nHost: " + endpoint.getHost()
          + "\r\nConnection: close\r\n\r\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code request} on {@code socket} and reads one answer (Content-Length framed). */
  public static Response exchange(Socket socket, String request) throws IOException {
    socket.setSoTimeout(10_000);
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before a complete answer: " + head);
      }
      head.append((char) b);
    }
    String[] lines = head.toString().split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    String length = headers.get("content-length");
    byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
    return new Response(lines[0], Integer.parseInt(lines[0].split(" ")[1]), headers,
        new String(body, StandardCharsets.UTF_8));
  }
}
