/**
 * YAML configuration of Hitbox: the seed's schema mapped onto the same immutable objects the
 * builders make, with located error messages and runtime reload.
 */
module dev.hitbox.config {
  requires transitive dev.hitbox.core;
  requires transitive dev.hitbox.formats;
  requires dev.hitbox.caffeine;
  requires org.snakeyaml.engine.v2;
  requires static org.jspecify;

  exports dev.hitbox.config;
  exports dev.hitbox.config.spi;

  uses dev.hitbox.config.spi.BackendProvider;
}
