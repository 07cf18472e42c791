/** The YAML provider of {@code type: RocksDb} (also {@code FeOxDb}); not an API. */
@NullMarked
package dev.hitbox.rocksdb.internal;

import org.jspecify.annotations.NullMarked;
