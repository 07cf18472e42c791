/** Value formats and compressors of Hitbox that need third-party libraries. */
module dev.hitbox.formats {
  requires transitive dev.hitbox.core;
  requires static org.jspecify;
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.cbor;
  // No module name of its own: named after its jar.
  requires jackson.dataformat.msgpack;
  requires com.esotericsoftware.kryo;
  requires org.objenesis;
  requires com.github.luben.zstd_jni;
  requires org.lz4.java;

  exports dev.hitbox.formats;
}
