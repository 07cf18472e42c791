/**
 * The embedded persistent backend on RocksDB: {@link dev.hitbox.rocksdb.RocksDbBackend}, in a
 * directory that survives restarts, or in memory.
 */
@NullMarked
package dev.hitbox.rocksdb;

import org.jspecify.annotations.NullMarked;
