package dev.hitbox.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.spi.ValueCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Bincode only ever creates registered classes, so bytes from a shared store choose nothing. */
class BincodeSafetyTest {
  record Holder(Object payload) {}

  record Harmless(String text) {}

  /** Stands for a gadget class an attacker would like the reader to instantiate. */
  static final class Gadget {
    static volatile int created;
    String command = "rm -rf /";

    Gadget() {
      created++;
    }
  }

  @Test
  void bytesNamingAClassTheReaderDidNotRegisterAreRejected() {
    // Gadget gets the id after Harmless's, which the reader does not know.
    ValueCodec<Holder> attacker = Formats.bincode(Holder.class, Harmless.class, Gadget.class);
    ValueCodec<Holder> reader = Formats.bincode(Holder.class, Harmless.class);
    byte[] hostile = attacker.encode(new Holder(new Gadget()));
    int before = Gadget.created;

    assertThatThrownBy(() -> reader.decode(hostile, 0, hostile.length))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("unregistered class ID");
    assertThat(Gadget.created).isEqualTo(before);
  }

  @Test
  void writingAnUnregisteredClassFailsInsteadOfWritingItsName() {
    ValueCodec<Holder> codec = Formats.bincode(Holder.class);

    assertThatThrownBy(() -> codec.encode(new Holder(new Harmless("hi"))))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("not registered");
  }

  @Test
  void registeredPolymorphicFieldsRoundTrip() {
    ValueCodec<Holder> codec = Formats.bincode(Holder.class, Harmless.class);
    byte[] bytes = codec.encode(new Holder(new Harmless("hi")));

    assertThat(codec.decode(bytes, 0, bytes.length)).isEqualTo(new Holder(new Harmless("hi")));
  }

  @Test
  void commonJdkTypesNeedNoRegistration() {
    record Bag(List<String> immutable, ArrayList<Integer> mutable, java.util.UUID id) {}
    ValueCodec<Bag> codec = Formats.bincode(Bag.class);
    Bag bag =
        new Bag(List.of("a", "b", "c"), new ArrayList<>(List.of(1, 2)), new java.util.UUID(1, 2));
    byte[] bytes = codec.encode(bag);

    assertThat(codec.decode(bytes, 0, bytes.length)).isEqualTo(bag);
  }

  @Test
  void oneCodecServesManyThreads() {
    ValueCodec<Harmless> codec = Formats.bincode(Harmless.class);
    List<CompletableFuture<Boolean>> runs =
        IntStream.range(0, 8)
            .mapToObj(
                t ->
                    CompletableFuture.supplyAsync(
                        () ->
                            IntStream.range(0, 2_000)
                                .allMatch(
                                    i -> {
                                      Harmless h = new Harmless("t" + t + "-" + i);
                                      byte[] b = codec.encode(h);
                                      return codec.decode(b, 0, b.length).equals(h);
                                    })))
            .toList();

    assertThat(runs).allSatisfy(r -> assertThat(r.join()).isTrue());
  }
}
