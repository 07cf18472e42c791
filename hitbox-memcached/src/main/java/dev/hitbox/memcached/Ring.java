package dev.hitbox.memcached;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * A ketama continuum: each server gets 160 points on a 32-bit circle (40 MD5 digests of {@code
 * "host:port-i"}, four points from each), and a key belongs to the first point at or after the MD5
 * of its bytes. Adding or removing a server moves only the keys of the points it gains or loses,
 * about {@code 1/n} of them. There is no failover: a key always maps to the same server, whether it
 * is up or not, so a server that goes away takes only its own share of the keys with it and never
 * receives stale copies of other servers' keys when it comes back. Immutable and thread-safe.
 */
final class Ring {
  static final int DIGESTS_PER_SERVER = 40;

  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JDK has MD5", e);
            }
          });

  private final long[] points;
  private final int[] owners;

  /** A ring of the given servers ({@code host:port}); their index is what {@link #server} says. */
  Ring(List<String> servers) {
    int n = servers.size() * DIGESTS_PER_SERVER * 4;
    long[] packed = new long[n];
    int p = 0;
    for (int s = 0; s < servers.size(); s++) {
      for (int i = 0; i < DIGESTS_PER_SERVER; i++) {
        byte[] d = md5((servers.get(s) + "-" + i).getBytes(StandardCharsets.UTF_8));
        for (int h = 0; h < 4; h++) {
          // point (shifted into the signed range) in the high 32 bits, owner in the low ones:
          // sorting orders by point, then owner
          packed[p++] = (point(d, h) - (1L << 31)) << 32 | s;
        }
      }
    }
    Arrays.sort(packed);
    this.points = new long[n];
    this.owners = new int[n];
    for (int i = 0; i < n; i++) {
      points[i] = (packed[i] >> 32) + (1L << 31);
      owners[i] = (int) (packed[i] & 0xffffffffL);
    }
  }

  /** The index of the server that owns {@code key}. */
  int server(byte[] key) {
    if (owners.length == DIGESTS_PER_SERVER * 4) {
      return 0;
    }
    long h = point(md5(key), 0);
    int i = Arrays.binarySearch(points, h);
    if (i < 0) {
      i = -i - 1;
    } else {
      while (i > 0 && points[i - 1] == h) {
        i--;
      }
    }
    return owners[i == points.length ? 0 : i];
  }

  private static long point(byte[] d, int h) {
    int o = h * 4;
    return ((d[o + 3] & 0xffL) << 24)
        | ((d[o + 2] & 0xffL) << 16)
        | ((d[o + 1] & 0xffL) << 8)
        | (d[o] & 0xffL);
  }

  private static byte[] md5(byte[] bytes) {
    return MD5.get().digest(bytes);
  }
}
