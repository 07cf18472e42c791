/** The protocol-agnostic Hitbox cache engine. */
module dev.hitbox.core {
  requires static transitive org.jspecify;
  requires java.logging;

  exports dev.hitbox.core;
  exports dev.hitbox.core.spi;
}
