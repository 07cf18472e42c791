package dev.hitbox.spring.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.cache.support.NullValue;

class JacksonValueCodecTest {
  record Item(String name, BigDecimal price, List<String> tags) {}

  private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();

  private static Object roundTrip(JacksonValueCodec codec, Object value) {
    byte[] bytes = codec.encode(value);
    return codec.decode(bytes, 0, bytes.length);
  }

  @Test
  void valuesComeBackWithTheirClasses() {
    JacksonValueCodec codec = JacksonValueCodec.of(mapper, List.of("dev.hitbox.spring.cache"));
    Item item = new Item("pen", new BigDecimal("1.50"), List.of("a", "b"));

    assertThat(roundTrip(codec, item)).isEqualTo(item);
    assertThat(roundTrip(codec, List.of(item, item))).isEqualTo(List.of(item, item));
    assertThat(roundTrip(codec, Map.of("k", 42L))).isEqualTo(Map.of("k", 42L));
    assertThat(roundTrip(codec, "text")).isEqualTo("text");
    assertThat(roundTrip(codec, NullValue.INSTANCE)).isSameAs(NullValue.INSTANCE);
  }

  @Test
  void classesOutsideTheAllowedPackagesAreNotReadBack() {
    JacksonValueCodec writer = JacksonValueCodec.of(mapper, List.of("dev.hitbox.spring.cache"));
    JacksonValueCodec reader = JacksonValueCodec.of(mapper, List.of("com.example"));
    byte[] bytes = writer.encode(new Item("pen", BigDecimal.ONE, List.of()));

    assertThatThrownBy(() -> reader.decode(bytes, 0, bytes.length))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(Item.class.getName().replace('$', '.').substring(0, 20));
  }
}
