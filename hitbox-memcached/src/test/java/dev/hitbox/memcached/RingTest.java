package dev.hitbox.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingTest {
  private static final int KEYS = 30_000;

  @Test
  void keysSpreadEvenlyOverTheServers() {
    for (List<String> servers :
        List.of(
            List.of("127.0.0.1:11211", "127.0.0.1:11212", "127.0.0.1:11213"),
            List.of("cache-a:11211", "cache-b:11211", "cache-c:11211", "cache-d:11211"),
            List.of("10.0.0.1:40001", "10.0.0.2:51234"))) {
      Ring ring = new Ring(servers);
      int[] owned = new int[servers.size()];
      for (int i = 0; i < KEYS; i++) {
        owned[ring.server(key(i))]++;
      }
      int fair = KEYS / servers.size();
      for (int s = 0; s < owned.length; s++) {
        assertThat(owned[s])
            .as("keys of %s in %s", servers.get(s), servers)
            .isBetween(fair * 3 / 4, fair * 5 / 4);
      }
    }
  }

  @Test
  void removingAServerMovesOnlyItsOwnKeys() {
    List<String> four = List.of("a:1", "b:1", "c:1", "d:1");
    List<String> three = List.of("a:1", "b:1", "d:1");
    Ring before = new Ring(four);
    Ring after = new Ring(three);
    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      String was = four.get(before.server(key(i)));
      String is = three.get(after.server(key(i)));
      if (!was.equals("c:1")) {
        assertThat(is).as("key %d stays on %s", i, was).isEqualTo(was);
      } else {
        moved++;
      }
    }
    assertThat(moved).isBetween(KEYS / 8, KEYS * 3 / 8);
  }

  @Test
  void serverOrderDoesNotMatter() {
    Ring ab = new Ring(List.of("a:1", "b:1", "c:1"));
    Ring ba = new Ring(List.of("c:1", "b:1", "a:1"));
    for (int i = 0; i < 1_000; i++) {
      assertThat(List.of("c:1", "b:1", "a:1").get(ba.server(key(i))))
          .isEqualTo(List.of("a:1", "b:1", "c:1").get(ab.server(key(i))));
    }
  }

  private static byte[] key(int i) {
    return ("users:0:user:" + i).getBytes(StandardCharsets.US_ASCII);
  }
}
