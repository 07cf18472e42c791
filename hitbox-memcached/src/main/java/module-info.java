/** The Memcached backend of Hitbox, on the folsom client. */
module dev.hitbox.memcached {
  requires transitive dev.hitbox.core;
  // folsom 1.21.0 declares no module name; this is the name derived from its jar.
  requires folsom;
  requires static dev.hitbox.config;
  requires static org.jspecify;

  exports dev.hitbox.memcached;

  provides dev.hitbox.config.spi.BackendProvider with
      dev.hitbox.memcached.internal.MemcachedBackendProvider;
}
