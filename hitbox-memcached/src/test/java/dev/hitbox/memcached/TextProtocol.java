package dev.hitbox.memcached;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Talks to a test memcached over its text protocol, behind the backend's back. */
final class TextProtocol {
  private TextProtocol() {}

  /** The {@code curr_items} statistic of the server on {@code port}. */
  static long currItems(int port) {
    String stats = send(port, "stats\r\n", "END\r\n");
    for (String line : stats.split("\r\n")) {
      if (line.startsWith("STAT curr_items ")) {
        return Long.parseLong(line.substring("STAT curr_items ".length()).trim());
      }
    }
    throw new IllegalStateException("no curr_items in: " + stats);
  }

  /** Deletes {@code key}; whether it was there. */
  static boolean delete(int port, String key) {
    return send(port, "delete " + key + "\r\n", "\r\n").startsWith("DELETED");
  }

  /** Stores {@code value} under {@code key} (no expiry), as another client would. */
  static void set(int port, String key, byte[] value) {
    String answer =
        send(port, "set " + key + " 0 0 " + value.length + "\r\n", value, "\r\n", "\r\n");
    if (!answer.startsWith("STORED")) {
      throw new IllegalStateException("set " + key + ": " + answer);
    }
  }

  private static String send(int port, String command, String end) {
    return send(port, command, null, null, end);
  }

  private static String send(int port, String command, byte[] data, String afterData, String end) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(command.getBytes(StandardCharsets.US_ASCII));
      if (data != null) {
        out.write(data);
        out.write(afterData.getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      while (!answer.toString(StandardCharsets.US_ASCII).endsWith(end)) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        answer.write(b);
      }
      return answer.toString(StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
