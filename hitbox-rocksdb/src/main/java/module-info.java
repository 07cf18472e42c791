/** The embedded persistent Hitbox backend on RocksDB: a directory, or in memory. */
module dev.hitbox.rocksdb {
  requires transitive dev.hitbox.core;
  // rocksdbjni declares no module name; this is the one derived from its jar's file name.
  requires rocksdbjni;
  requires static dev.hitbox.config;
  requires static org.jspecify;

  exports dev.hitbox.rocksdb;

  provides dev.hitbox.config.spi.BackendProvider with
      dev.hitbox.rocksdb.internal.RocksDbProvider;
}
