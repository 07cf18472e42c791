package dev.hitbox.rocksdb;

import dev.hitbox.core.BackendException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksMemEnv;
import org.rocksdb.Status;
import org.rocksdb.WriteOptions;

/** The open database, its three column families and the native objects that must be closed. */
final class RocksStore {
  static final String EXPIRY = "expiry";
  static final String TAGS = "tags";

  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  private final List<AutoCloseable> natives;
  private final WriteOptions writeOptions;

  private RocksStore(
      RocksDB db,
      List<ColumnFamilyHandle> handles,
      List<AutoCloseable> natives,
      WriteOptions writeOptions) {
    this.db = db;
    this.handles = handles;
    this.natives = natives;
    this.writeOptions = writeOptions;
  }

  /**
   * The write buffer (memtable) size for a bound on the live data: 1/16 of it, 64 KiB to 64 MiB.
   */
  static long writeBufferSize(long maxBytes) {
    return Math.max(64L << 10, Math.min(64L << 20, maxBytes / 16));
  }

  /**
   * Opens (creating if missing) the database in {@code dir}, or in memory at {@code virtualPath}.
   *
   * @throws BackendException naming {@code location} and what went wrong
   */
  static RocksStore open(
      @Nullable Path dir, @Nullable String virtualPath, long maxBytes, String location) {
    if (dir != null) {
      prepare(dir, location);
    }
    RocksDB.loadLibrary();
    List<AutoCloseable> natives = new ArrayList<>();
    try {
      long buffer = writeBufferSize(maxBytes);
      DBOptions options =
          new DBOptions()
              .setCreateIfMissing(true)
              .setCreateMissingColumnFamilies(true)
              .setMaxTotalWalSize(4 * buffer)
              .setKeepLogFileNum(2)
              .setMaxLogFileSize(1L << 20)
              .setMaxBackgroundJobs(2);
      natives.add(options);
      if (dir == null) {
        Env env = new RocksMemEnv(Env.getDefault());
        natives.add(env);
        options.setEnv(env);
      }
      BloomFilter bloom = new BloomFilter(10);
      natives.add(bloom);
      ColumnFamilyOptions entries =
          new ColumnFamilyOptions()
              .setWriteBufferSize(buffer)
              .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloom));
      natives.add(entries);
      ColumnFamilyOptions indexes =
          new ColumnFamilyOptions().setWriteBufferSize(Math.max(64L << 10, buffer / 4));
      natives.add(indexes);
      List<ColumnFamilyDescriptor> families =
          List.of(
              new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, entries),
              new ColumnFamilyDescriptor(EXPIRY.getBytes(StandardCharsets.US_ASCII), indexes),
              new ColumnFamilyDescriptor(TAGS.getBytes(StandardCharsets.US_ASCII), indexes));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      String where = dir != null ? dir.toString() : requireVirtual(virtualPath);
      RocksDB db = RocksDB.open(options, where, families, handles);
      WriteOptions writeOptions = new WriteOptions();
      natives.add(writeOptions);
      return new RocksStore(db, List.copyOf(handles), natives, writeOptions);
    } catch (RocksDBException e) {
      closeAll(natives);
      throw new BackendException(location + ": " + describe(e), e);
    }
  }

  private static String requireVirtual(@Nullable String virtualPath) {
    if (virtualPath == null) {
      throw new IllegalArgumentException("neither a directory nor a virtual path");
    }
    return virtualPath;
  }

  private static void prepare(Path dir, String location) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new BackendException(location + ": not a directory");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BackendException(location + ": cannot create the directory (" + e + ")", e);
    }
    if (!Files.isWritable(dir)) {
      throw new BackendException(location + ": the directory is not writable");
    }
  }

  /** What an open failure means for a user, with RocksDB's own words. */
  static String describe(RocksDBException e) {
    String message = String.valueOf(e.getMessage());
    Status status = e.getStatus();
    Status.Code code = status == null ? null : status.getCode();
    if (message.contains("/LOCK") || message.contains("lock hold by current process")) {
      return "the directory is locked: another process, or another backend in this process,"
          + " has it open ("
          + message
          + ")";
    }
    if (code == Status.Code.Corruption || message.startsWith("Corruption")) {
      return "the database is corrupt; move the directory away or delete it, it only holds a"
          + " cache ("
          + message
          + ")";
    }
    return "cannot open the database (" + message + ")";
  }

  RocksDB db() {
    return db;
  }

  ColumnFamilyHandle entries() {
    return handles.get(0);
  }

  ColumnFamilyHandle expiry() {
    return handles.get(1);
  }

  ColumnFamilyHandle tags() {
    return handles.get(2);
  }

  WriteOptions writeOptions() {
    return writeOptions;
  }

  void compactAll(CompactRangeOptions options) throws RocksDBException {
    for (ColumnFamilyHandle h : handles) {
      db.compactRange(h, null, null, options);
    }
  }

  /** Closes the database, then the native objects. */
  void close() throws RocksDBException {
    try {
      db.cancelAllBackgroundWork(true);
      for (ColumnFamilyHandle h : handles) {
        h.close();
      }
      db.closeE();
    } finally {
      closeAll(natives);
    }
  }

  void closeQuietly() {
    try {
      close();
    } catch (RocksDBException e) {
      // already failing with a better message
    }
  }

  private static void closeAll(List<AutoCloseable> natives) {
    for (int i = natives.size() - 1; i >= 0; i--) {
      try {
        natives.get(i).close();
      } catch (Exception e) {
        // native objects do not fail to close
      }
    }
  }
}
