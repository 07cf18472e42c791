/**
 * The standalone Hitbox applications: the caching proxy and the API-gateway demo. An application,
 * not a library: it exports no package.
 */
module dev.hitbox.proxy {
  requires dev.hitbox.core;
  requires dev.hitbox.caffeine;
  requires static org.jspecify;
}
