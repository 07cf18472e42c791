package dev.hitbox.jdkhttpclient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** The response {@link HitboxHttpClient} gives its caller, from the cache or from the client. */
record CachedResponse<T>(
    int statusCode,
    HttpRequest request,
    Optional<HttpResponse<T>> previousResponse,
    HttpHeaders headers,
    T body,
    Optional<SSLSession> sslSession,
    URI uri,
    HttpClient.Version version)
    implements HttpResponse<T> {

  /** What a {@code BodyHandler} is told about the response before it gets the body. */
  record Info(int statusCode, HttpHeaders headers, HttpClient.Version version)
      implements HttpResponse.ResponseInfo {}

  @Override
  public String toString() {
    return "(" + request.method() + " " + uri + ") " + statusCode;
  }
}
