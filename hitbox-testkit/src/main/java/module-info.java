/** Test helpers for Hitbox users and backend authors. */
module dev.hitbox.testkit {
  requires transitive dev.hitbox.core;
  requires transitive org.junit.jupiter.api;
  requires org.assertj.core;
  // Awaitility 4.3.0 declares no module name; this is the name derived from its jar.
  requires awaitility;
  requires static org.jspecify;

  exports dev.hitbox.testkit;

  // JUnit calls the kit's package-private test methods reflectively.
  opens dev.hitbox.testkit to
      org.junit.platform.commons;
}
