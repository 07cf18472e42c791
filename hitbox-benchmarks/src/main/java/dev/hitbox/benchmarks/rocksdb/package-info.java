/** Throughput of the RocksDB backend, on disk and in memory. */
package dev.hitbox.benchmarks.rocksdb;
