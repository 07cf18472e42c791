/** The in-memory Hitbox backend on Caffeine. */
module dev.hitbox.caffeine {
  requires transitive dev.hitbox.core;
  requires com.github.benmanes.caffeine;
  requires static org.jspecify;

  exports dev.hitbox.caffeine;
}
