package dev.hitbox.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A bare HTTP/1.1 client over one socket, for what the JDK client will not send (hop-by-hop fields,
 * a chosen {@code Host}, pipelined requests) or not show.
 */
final class RawHttp implements AutoCloseable {

  /** A response as it came over the wire. */
  record Response(int status, List<String> headers, byte[] body) {
    String header(String name) {
      for (int i = 0; i < headers.size(); i += 2) {
        if (headers.get(i).equalsIgnoreCase(name)) {
          return headers.get(i + 1);
        }
      }
      return null;
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;

  RawHttp(InetSocketAddress address) {
    try {
      socket = new Socket(address.getAddress(), address.getPort());
      socket.setSoTimeout(20_000);
      in = socket.getInputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends raw bytes: the request's head (CRLF line ends) and body. */
  RawHttp send(String head, byte[] body) {
    try {
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RawHttp send(String head) {
    return send(head, new byte[0]);
  }

  /** Reads one response; {@code head} says whether it answers a HEAD request. */
  Response read(boolean head) {
    try {
      String status = line();
      int code = Integer.parseInt(status.split(" ")[1]);
      List<String> headers = new ArrayList<>();
      for (String l = line(); !l.isEmpty(); l = line()) {
        int colon = l.indexOf(':');
        headers.add(l.substring(0, colon).trim());
        headers.add(l.substring(colon + 1).trim());
      }
      Response r = new Response(code, headers, new byte[0]);
      if (head || code == 204 || code == 304) {
        return r;
      }
      String length = r.header("Content-Length");
      String te = r.header("Transfer-Encoding");
      byte[] body;
      if (length != null) {
        body = in.readNBytes(Integer.parseInt(length));
      } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
          int size = Integer.parseInt(line().split(";")[0].trim(), 16);
          if (size == 0) {
            while (!line().isEmpty()) {
              // trailers
            }
            break;
          }
          out.write(in.readNBytes(size));
          line();
        }
        body = out.toByteArray();
      } else {
        body = in.readAllBytes();
      }
      return new Response(code, headers, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Response read() {
    return read(false);
  }

  /** Whether the server closed the connection (reads end of stream). */
  boolean closedByPeer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c < 0 && b.size() == 0) {
      throw new IOException("connection closed");
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
