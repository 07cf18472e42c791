package dev.hitbox.examples.jdkhttpclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JdkHttpClientExampleTest {
  @Test
  void theExampleCallsTheApiOncePerCachedKeyAndForEachPost() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int apiCalls = JdkHttpClientExample.run(new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(apiCalls).isEqualTo(4);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("GET /quotes/1 -> 200 MISS")
        .contains("GET /quotes/1 -> 200 HIT")
        .contains("POST /quotes/1/votes -> 200 -");
  }
}
