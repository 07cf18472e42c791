package dev.hitbox.benchmarks.formats;

import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.formats.Compressors;
import dev.hitbox.formats.Formats;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The values the format benchmarks encode: a small one (a user) and a large one (a catalog). */
public final class Samples {
  private Samples() {}

  /** A user's address. */
  public record Address(String street, String city, String zip) {}

  /** The small value: about 150 bytes of JSON. */
  public record User(
      long id, String name, String email, List<String> roles, Address address, boolean active) {}

  /** One item of the large value. */
  public record Item(
      long id, String sku, String name, double price, int stock, List<String> tags) {}

  /** The large value: about 40 KB of JSON. */
  public record Catalog(String title, List<Item> items) {}

  static final User SMALL =
      new User(
          42,
          "Ada Lovelace",
          "ada@example.com",
          List.of("admin", "author"),
          new Address("12 St James's Square", "London", "SW1Y 4JH"),
          true);

  static final Catalog LARGE = catalog(300);

  private static Catalog catalog(int n) {
    Random random = new Random(42);
    String[] words = {"red", "blue", "steel", "oak", "small", "large", "classic", "pro", "eco"};
    List<Item> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = words[random.nextInt(words.length)] + " " + words[random.nextInt(words.length)];
      items.add(
          new Item(
              100_000 + i,
              "SKU-" + Integer.toHexString(random.nextInt()),
              name + " widget",
              Math.round(random.nextDouble() * 10_000) / 100.0,
              random.nextInt(500),
              List.of(words[random.nextInt(words.length)], words[random.nextInt(words.length)])));
    }
    return new Catalog("Spring catalog", items);
  }

  /** The value of a size: {@code small} or {@code large}. */
  static Object value(String size) {
    return switch (size) {
      case "small" -> SMALL;
      case "large" -> LARGE;
      default -> throw new IllegalArgumentException(size);
    };
  }

  /** The codec of a format for the value of a size. */
  @SuppressWarnings("unchecked")
  static ValueCodec<Object> codec(String format, String size) {
    Class<?> type = size.equals("small") ? User.class : Catalog.class;
    Class<?>[] registrations = {Address.class, User.class, Item.class, Catalog.class};
    ValueCodec<?> codec =
        switch (format) {
          case "Bincode" -> Formats.bincode(type, registrations);
          case "Fory" -> new ForyCodec<>(type, registrations);
          case "Json" -> Formats.json(type);
          case "MessagePack" -> Formats.messagePack(type);
          case "Cbor" -> Formats.cbor(type);
          default -> throw new IllegalArgumentException(format);
        };
    return (ValueCodec<Object>) codec;
  }

  /** A compressor by its configuration name, at its default level. */
  static Compressor compressor(String name) {
    return Compressors.byName(name);
  }
}
