package dev.hitbox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.spring.boot.app.TestApplication;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A bad {@code hitbox.*} property fails the startup, naming the key and what is allowed. */
class BadPropertiesTest {
  private static ThrowingCallable start(String... properties) {
    return () -> {
      try (ConfigurableApplicationContext ignored =
          new SpringApplicationBuilder(TestApplication.class)
              .web(WebApplicationType.SERVLET)
              .properties("spring.config.name=none", "server.port=0", "server.address=127.0.0.1")
              .properties(properties)
              .run()) {
        // started: the test fails below
      }
    };
  }

  private static ConfigurationException cause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConfigurationException e) {
        return e;
      }
    }
    throw new AssertionError("no ConfigurationException in", t);
  }

  @Test
  void anUnknownPredicateIsNamedWithItsKey() {
    assertThatThrownBy(
            start(
                "hitbox.endpoints[0].name=authors",
                "hitbox.endpoints[0].request[0].Method=GET",
                "hitbox.endpoints[0].request[1].Heder.x-api-key=secret"))
        .satisfies(
            t ->
                assertThat(cause(t).getMessage())
                    .startsWith(HitboxYaml.SOURCE + ": hitbox.endpoints[0].request[1]")
                    .contains("Heder")
                    .contains("Header"));
  }

  @Test
  void anUnknownBackendTypeIsNamedWithTheTypesAllowed() {
    assertThatThrownBy(start("hitbox.backend.type=Mongo"))
        .satisfies(
            t ->
                assertThat(cause(t).getMessage())
                    .startsWith(HitboxYaml.SOURCE + ": hitbox.backend.type")
                    .contains("Mongo")
                    .contains("Caffeine"));
  }
}
