/**
 * Value formats ({@link dev.hitbox.formats.Formats}: Bincode, Json, MessagePack, Cbor, Bytes) and
 * compressors ({@link dev.hitbox.formats.Compressors}: Zstd, Lz4, Gzip) for stored values.
 */
@NullMarked
package dev.hitbox.formats;

import org.jspecify.annotations.NullMarked;
