package dev.hitbox.http;

import dev.hitbox.http.internal.Jq;
import java.util.regex.Pattern;

/** Body tests shared by request and response predicates. A streamed body passes none of them. */
final class BodyChecks {
  private BodyChecks() {}

  static boolean withinLimit(HttpBody body, long limit) {
    long n = body.length();
    return n >= 0 && n <= limit;
  }

  static boolean contains(HttpBody body, byte[] needle) {
    if (!body.isBuffered()) {
      return false;
    }
    return indexOf(body.buffer(), needle) >= 0;
  }

  static boolean matches(HttpBody body, Pattern regex) {
    return body.isBuffered() && regex.matcher(body.text()).find();
  }

  static boolean jq(HttpBody body, Jq jq) {
    return body.isBuffered() && jq.test(body.buffer());
  }

  static int indexOf(byte[] hay, byte[] needle) {
    if (needle.length == 0) {
      return 0;
    }
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
