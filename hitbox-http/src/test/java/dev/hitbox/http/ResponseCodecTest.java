package dev.hitbox.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.spi.ValueCodec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ResponseCodecTest {
  private final ValueCodec<HttpResponse> codec = HttpResponse.codec();

  @Test
  void roundTripsStatusHeadersAndBodyByteForByte() {
    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    HttpResponse r =
        HttpResponse.builder()
            .status(203)
            .header("content-TYPE", "application/octet-stream")
            .header("X-Dup", "1")
            .header("x-dup", "2")
            .header("X-Unicode", "naïve ✓ \uD83D\uDE00")
            .header("X-Latin1", "caf\u00e9 \u00ff")
            .header("X-Empty", "")
            .body(body)
            .build();

    HttpResponse back = decode(codec.encode(r));

    assertThat(back).isEqualTo(r);
    assertThat(back.body().bytes()).isEqualTo(body);
    assertThat(back.headers().toString()).isEqualTo(r.headers().toString());
  }

  @Test
  void dropsHopByHopFieldsAndThoseNamedInConnection() {
    HttpResponse r =
        HttpResponse.builder()
            .header("Connection", "keep-alive, X-Session")
            .header("Keep-Alive", "timeout=5")
            .header("Transfer-Encoding", "chunked")
            .header("X-Session", "per-connection")
            .header("Proxy-Authenticate", "Basic")
            .header("Upgrade", "h2c")
            .header("TE", "trailers")
            .header("Trailer", "X-Checksum")
            .header("ETag", "\"v1\"")
            .body("x")
            .build();

    assertThat(decode(codec.encode(r)).headers()).isEqualTo(HttpHeaders.of("ETag", "\"v1\""));
  }

  @Test
  void keepsTheVariantTheResponseWasSelectedBy() {
    HttpResponse r =
        HttpResponse.builder()
            .header("Vary", "Accept-Language, X-Absent")
            .build()
            .withVariant(new String[] {"accept-language", "en", "x-absent", null});

    assertThat(decode(codec.encode(r)).variant())
        .containsExactly("accept-language", "en", "x-absent", null);
    assertThat(decode(codec.encode(HttpResponse.builder().build())).variant()).isNull();
  }

  @Test
  void readsFromAnOffsetAndRejectsTruncatedOrTrailingBytes() {
    byte[] bytes = codec.encode(HttpResponse.builder().header("A", "b").body("hello").build());
    byte[] padded = new byte[bytes.length + 10];
    System.arraycopy(bytes, 0, padded, 5, bytes.length);

    assertThat(codec.decode(padded, 5, bytes.length).body().text()).isEqualTo("hello");
    for (int n = 0; n < bytes.length; n++) {
      byte[] cut = Arrays.copyOf(bytes, n);
      assertThatThrownBy(() -> codec.decode(cut, 0, cut.length))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> codec.decode(padded, 5, bytes.length + 1))
        .hasMessageContaining("trailing bytes");
  }

  @Test
  void refusesStreamedBodies() {
    HttpResponse r =
        HttpResponse.builder()
            .body(HttpBody.ofInputStream(new java.io.ByteArrayInputStream(new byte[1]), 1))
            .build();
    assertThatThrownBy(() -> codec.encode(r)).hasMessageContaining("stream");
  }

  @Test
  void hasItsOwnFormatId() {
    assertThat(codec.formatId()).isEqualTo((byte) 8);
    assertThat(codec.formatId())
        .isNotIn(ValueCodec.bytes().formatId(), ValueCodec.utf8().formatId());
  }

  private HttpResponse decode(byte[] bytes) {
    return codec.decode(bytes, 0, bytes.length);
  }
}
