/**
 * HTTP caching for the JDK's {@code java.net.http.HttpClient}: {@link
 * dev.hitbox.jdkhttpclient.HitboxHttpClient} answers from a {@code dev.hitbox.http.HttpCache} and
 * calls the wrapped client on a miss.
 */
module dev.hitbox.jdkhttpclient {
  requires transitive dev.hitbox.http;
  requires transitive java.net.http;
  requires static org.jspecify;

  exports dev.hitbox.jdkhttpclient;
}
