/** The Redis backend of Hitbox, on Lettuce: standalone, Sentinel and Cluster, TLS and ACL users. */
module dev.hitbox.redis {
  requires transitive dev.hitbox.core;
  // Lettuce declares no module-info; this is the Automatic-Module-Name of its jar.
  requires lettuce.core;
  requires static dev.hitbox.config;
  requires static org.jspecify;

  exports dev.hitbox.redis;

  provides dev.hitbox.config.spi.BackendProvider with
      dev.hitbox.redis.internal.RedisBackendProvider;
}
