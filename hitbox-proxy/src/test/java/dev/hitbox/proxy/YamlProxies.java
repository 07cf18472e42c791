package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;

/** Starts the proxy as {@code ./hitbox proxy --config FILE} does, for tests driven by a file. */
final class YamlProxies {
  private YamlProxies() {}

  /** The started proxy; fails the test with what the proxy printed when it does not start. */
  static HitboxProxy start(Path file) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    HitboxProxy p =
        ProxyMain.start(
            new String[] {"--config", file.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Collections.emptyIterator());
    assertThat(p).as(err.toString(StandardCharsets.UTF_8)).isNotNull();
    return p;
  }
}
