package dev.hitbox.spring.cache;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import dev.hitbox.core.spi.ValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.cache.support.NullValue;

/**
 * Stores any object as JSON with its class names, for caches whose values have no declared type
 * (Spring's {@code @Cacheable}). Not Java serialization: a class is only instantiated when its
 * package is allowed, so bytes written by somebody else into a shared backend cannot make the
 * application build arbitrary objects. A value must round-trip through Jackson (records, beans,
 * collections, {@code java.time} with the application's modules); Spring's null marker is stored as
 * JSON {@code null}.
 *
 * <pre>{@code
 * ValueCodec<Object> codec = JacksonValueCodec.of(objectMapper, List.of("com.example.model"));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class JacksonValueCodec implements ValueCodec<Object> {
  /** This codec's id in the stored envelope. */
  public static final byte FORMAT_ID = 9;

  /** Packages always allowed: the JDK's value and collection types. */
  public static final List<String> JDK_PACKAGES =
      List.of("java.lang.", "java.util.", "java.time.", "java.math.");

  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private final ObjectMapper mapper;
  private final List<String> allowed;

  private JacksonValueCodec(ObjectMapper mapper, List<String> allowed) {
    this.mapper = mapper;
    this.allowed = allowed;
  }

  /**
   * A codec on a copy of {@code mapper} (its modules and settings) that records class names.
   *
   * @param mapper the application's mapper; it is copied, not changed
   * @param allowedPackages packages (and their subpackages) whose classes may be read back, besides
   *     {@link #JDK_PACKAGES}, e.g. {@code com.example.model}
   */
  @SuppressWarnings("deprecation") // EVERYTHING: final classes and records need their names too
  public static JacksonValueCodec of(ObjectMapper mapper, Collection<String> allowedPackages) {
    requireNonNull(mapper, "mapper");
    requireNonNull(allowedPackages, "allowedPackages");
    List<String> prefixes = new ArrayList<>(JDK_PACKAGES);
    for (String p : allowedPackages) {
      requireNonNull(p, "package");
      if (p.isBlank()) {
        throw new IllegalArgumentException("allowed package: \"\" (expected: a package name)");
      }
      prefixes.add(p.endsWith(".") ? p : p + '.');
    }
    BasicPolymorphicTypeValidator.Builder ptv =
        BasicPolymorphicTypeValidator.builder().allowIfSubTypeIsArray();
    prefixes.forEach(ptv::allowIfSubType);
    ObjectMapper typed = mapper.copy();
    typed.activateDefaultTyping(
        ptv.build(), ObjectMapper.DefaultTyping.EVERYTHING, JsonTypeInfo.As.PROPERTY);
    return new JacksonValueCodec(typed, List.copyOf(prefixes));
  }

  /** The package prefixes whose classes may be read back. */
  public List<String> allowedPackages() {
    return allowed;
  }

  @Override
  public byte formatId() {
    return FORMAT_ID;
  }

  /**
   * Writes {@code value} as JSON with class names.
   *
   * @throws UncheckedIOException if Jackson cannot write it
   */
  @Override
  public byte[] encode(Object value) {
    if (value == NullValue.INSTANCE) {
      return NULL.clone();
    }
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(
          "value of " + value.getClass().getName() + " (expected: a type Jackson can write)", e);
    }
  }

  /**
   * Reads a value back.
   *
   * @throws UncheckedIOException if the bytes do not parse or name a class that is not allowed
   */
  @Override
  public Object decode(byte[] bytes, int offset, int length) {
    try {
      Object v = mapper.readValue(bytes, offset, length, Object.class);
      return v == null ? NullValue.INSTANCE : v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "JacksonValueCodec" + allowed;
  }
}
