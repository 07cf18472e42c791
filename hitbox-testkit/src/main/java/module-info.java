/** Test helpers for Hitbox users and backend authors. */
module dev.hitbox.testkit {
  requires transitive dev.hitbox.core;
  requires transitive org.junit.jupiter.api;
  requires org.assertj.core;
  requires static org.jspecify;

  exports dev.hitbox.testkit;
}
