/**
 * HTTP caching for OkHttp: {@link dev.hitbox.okhttp.HitboxInterceptor}, an application interceptor
 * that answers from a {@code dev.hitbox.http.HttpCache}.
 */
module dev.hitbox.okhttp {
  requires transitive dev.hitbox.http;
  requires transitive okhttp3;
  requires okio;
  requires static org.jspecify;

  exports dev.hitbox.okhttp;
}
