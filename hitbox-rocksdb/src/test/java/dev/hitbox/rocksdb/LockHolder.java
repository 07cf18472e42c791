package dev.hitbox.rocksdb;

import java.io.IOException;
import java.nio.file.Path;

/** Run in a second JVM by a test: holds the database at {@code args[0]} open until stdin closes. */
final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws IOException {
    try (RocksDbBackend backend = RocksDbBackend.builder().path(Path.of(args[0])).build()) {
      System.out.println("open " + backend.path().orElseThrow());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the test to close our stdin
      }
    }
  }
}
