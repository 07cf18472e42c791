package dev.hitbox.redis;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** Turns what Lettuce throws into messages a user can act on. */
final class Errors {
  private Errors() {}

  /** The most telling message of a failure: the server's own error, else the root cause. */
  static String message(Throwable error) {
    List<Throwable> all = flatten(error);
    for (Throwable t : all) {
      String m = t.getMessage();
      if (m != null && serverError(m)) {
        return m.strip();
      }
    }
    for (Throwable t : all) {
      if (t instanceof ConnectException) {
        return "connection refused (" + t.getMessage() + ")";
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "unknown host (" + t + ")";
      }
      if (t instanceof SSLException) {
        return "TLS handshake failed (" + t.getMessage() + ")";
      }
      if (t instanceof TimeoutException) {
        return "timed out (" + t.getMessage() + ")";
      }
    }
    Throwable root = all.get(all.size() - 1);
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }

  /** What the failure means for the user, before {@link #message}. */
  static String kind(Throwable error) {
    String m = message(error);
    String upper = m.toUpperCase(Locale.ROOT);
    if (upper.startsWith("WRONGPASS")
        || upper.startsWith("NOAUTH")
        || upper.contains("INVALID PASSWORD")
        || upper.contains("AUTH")) {
      return "authentication failed";
    }
    if (upper.contains("DB INDEX")) {
      return "database rejected";
    }
    if (upper.startsWith("NOPERM")) {
      return "permission denied";
    }
    return "cannot connect";
  }

  private static boolean serverError(String m) {
    String s = m.strip();
    return s.startsWith("WRONGPASS")
        || s.startsWith("NOAUTH")
        || s.startsWith("NOPERM")
        || s.startsWith("ERR")
        || s.startsWith("LOADING")
        || s.startsWith("CLUSTERDOWN")
        || s.startsWith("MASTERDOWN");
  }

  /** The failure, its causes and their suppressed exceptions, outermost first. */
  private static List<Throwable> flatten(Throwable error) {
    List<Throwable> out = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    collect(error, out, seen);
    return out;
  }

  private static void collect(
      @Nullable Throwable t, List<Throwable> out, Map<Throwable, Boolean> seen) {
    Throwable x = t;
    while (x != null && seen.put(x, Boolean.TRUE) == null) {
      out.add(x);
      for (Throwable s : x.getSuppressed()) {
        collect(s, out, seen);
      }
      x = x.getCause();
    }
  }
}
