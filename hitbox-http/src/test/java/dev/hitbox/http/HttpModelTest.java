package dev.hitbox.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import org.junit.jupiter.api.Test;

class HttpModelTest {

  // ---------------------------------------------------------------- headers

  @Test
  void headerLookupsIgnoreCaseButKeepOrderAndSpelling() {
    HttpHeaders h =
        HttpHeaders.of("Content-Type", "text/html", "X-A", "1", "x-a", "2", "Vary", "Accept");

    assertThat(h.first("content-type")).isEqualTo("text/html");
    assertThat(h.all("X-A")).containsExactly("1", "2");
    assertThat(h.joined("x-a")).isEqualTo("1, 2");
    assertThat(h.names()).containsExactly("Content-Type", "X-A", "Vary");
    assertThat(h.name(2)).isEqualTo("x-a");
    assertThat(h.first("missing")).isNull();
    assertThat(h.joined("missing")).isNull();
    assertThat(h.contains("VARY")).isTrue();
  }

  @Test
  void headerCopiesAddReplaceAndRemove() {
    HttpHeaders h = HttpHeaders.of("A", "1", "B", "2", "a", "3");

    assertThat(h.with("C", "4").size()).isEqualTo(4);
    assertThat(h.set("a", "9").toString()).isEqualTo("HttpHeaders{a: 9, B: 2}");
    assertThat(h.without("A").toString()).isEqualTo("HttpHeaders{B: 2}");
    assertThat(h.without("nope")).isSameAs(h);
    assertThat(h).isEqualTo(HttpHeaders.of("A", "1", "B", "2", "a", "3"));
  }

  @Test
  void headerElementsSplitOnCommasOutsideQuotes() {
    HttpHeaders h = HttpHeaders.of("Vary", "Accept, Accept-Language", "Vary", "  ,Cookie");
    assertThat(h.elements("vary")).containsExactly("Accept", "Accept-Language", "Cookie");

    HttpHeaders q = HttpHeaders.of("If-None-Match", "\"a,b\", W/\"c\"");
    assertThat(q.elements("If-None-Match")).containsExactly("\"a,b\"", "W/\"c\"");
  }

  @Test
  void headersRejectWhatCouldSplitAMessage() {
    assertThatThrownBy(() -> HttpHeaders.of("X", "a\r\nSet-Cookie: x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: no CR, LF or NUL");
    assertThatThrownBy(() -> HttpHeaders.of("Bad Name", "v"))
        .hasMessageContaining("header name: \"Bad Name\"");
    assertThatThrownBy(() -> HttpHeaders.of("", "v")).hasMessageContaining("header name: \"\"");
    assertThatThrownBy(() -> HttpHeaders.of("odd"))
        .hasMessage("namesAndValues: 1 strings (expected: an even number)");
  }

  // ---------------------------------------------------------------- request and response

  @Test
  void requestsParseTheirUri() {
    HttpRequest r =
        HttpRequest.builder()
            .method("get")
            .uri("/v1/a%20b?page=1&tag=x&tag=y%2Bz&flag&q=a+b")
            .header("Accept", "*/*")
            .build();

    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.path()).isEqualTo("/v1/a%20b");
    assertThat(r.rawQuery()).isEqualTo("page=1&tag=x&tag=y%2Bz&flag&q=a+b");
    assertThat(r.query("page")).isEqualTo("1");
    assertThat(r.queryAll("tag")).containsExactly("x", "y+z");
    assertThat(r.queryAll("flag")).containsExactly("");
    assertThat(r.query("q")).isEqualTo("a b");
    assertThat(r.query("missing")).isNull();
    assertThat(r.queryNames()).containsExactly("page", "tag", "flag", "q");
    assertThat(HttpRequest.get("https://example.com").path()).isEqualTo("/");
  }

  @Test
  void requestBuildersValidateAtOnce() {
    assertThatThrownBy(() -> HttpRequest.builder().method("GE T"))
        .hasMessage("method: \"GE T\" (expected: a token such as GET)");
    assertThatThrownBy(() -> HttpRequest.builder().uri("/a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("uri: \"/a b\" (expected: a URI");
    assertThatThrownBy(() -> HttpRequest.builder().build())
        .hasMessageStartingWith("uri is not set");
  }

  @Test
  void responseBuildersValidateTheStatus() {
    assertThatThrownBy(() -> HttpResponse.builder().status(99))
        .hasMessage("status: 99 (expected: 100..599)");
    assertThatThrownBy(() -> HttpResponse.of(600, HttpHeaders.empty(), HttpBody.empty()))
        .hasMessage("status: 600 (expected: 100..599)");
    HttpResponse r = HttpResponse.builder().status(201).header("A", "b").body("hi").build();
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.body().text()).isEqualTo("hi");
    assertThat(r.toBuilder().build()).isEqualTo(r);
  }

  @Test
  void statusClassesCoverTheirHundred() {
    assertThat(StatusClass.of(204)).isEqualTo(StatusClass.SUCCESS);
    assertThat(StatusClass.of(399)).isEqualTo(StatusClass.REDIRECT);
    assertThat(StatusClass.CLIENT_ERROR.contains(404)).isTrue();
    assertThat(StatusClass.SERVER_ERROR.contains(499)).isFalse();
  }

  // ---------------------------------------------------------------- bodies

  @Test
  void bytesBodiesAreCopiedAndBufferedAtOnce() {
    byte[] b = {1, 2, 3};
    HttpBody body = HttpBody.ofBytes(b);
    b[0] = 9;

    assertThat(body.bytes()).containsExactly(1, 2, 3);
    assertThat(body.isBuffered()).isTrue();
    assertThat(body.length()).isEqualTo(3);
    assertThat(body.readUpTo(3).join().complete()).isTrue();
    HttpBody.Buffered over = body.readUpTo(2).join();
    assertThat(over.complete()).isFalse();
    assertThat(over.body()).isSameAs(body);
  }

  @Test
  void aStreamWithinTheLimitIsBuffered() {
    HttpBody body = HttpBody.ofInputStream(new ByteArrayInputStream(bytes(100)), -1);

    HttpBody.Buffered read = body.readUpTo(100).join();

    assertThat(read.complete()).isTrue();
    assertThat(read.body().isBuffered()).isTrue();
    assertThat(read.body().bytes()).isEqualTo(bytes(100));
  }

  @Test
  void aStreamOverTheLimitStillYieldsEveryByteInOrder() throws IOException {
    byte[] all = bytes(100_000);
    HttpBody body = HttpBody.ofInputStream(new ByteArrayInputStream(all), -1);

    HttpBody.Buffered read = body.readUpTo(1000).join();

    assertThat(read.complete()).isFalse();
    assertThat(read.size()).isEqualTo(1001);
    assertThat(read.body().isBuffered()).isFalse();
    try (InputStream in = read.body().inputStream()) {
      assertThat(in.readAllBytes()).isEqualTo(all);
    }
  }

  @Test
  void aKnownLengthOverTheLimitIsNotReadAtAll() {
    CountingStream in = new CountingStream(bytes(5000));
    HttpBody body = HttpBody.ofInputStream(in, 5000);

    HttpBody.Buffered read = body.readUpTo(100).join();

    assertThat(read.complete()).isFalse();
    assertThat(read.size()).isZero();
    assertThat(in.reads).isZero();
    assertThat(read.body()).isSameAs(body);
  }

  @Test
  void aStreamIsConsumedOnce() {
    HttpBody body = HttpBody.ofInputStream(new ByteArrayInputStream(bytes(10)), -1);
    body.inputStream();
    assertThatThrownBy(() -> body.readUpTo(10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("consumed already");
    assertThatThrownBy(() -> body.bytes()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aFailingStreamFailsTheRead() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("reset by peer");
          }
        };
    assertThat(HttpBody.ofInputStream(broken, -1).readUpTo(10))
        .failsWithin(java.time.Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(UncheckedIOException.class);
  }

  @Test
  void aPublisherWithinTheLimitIsBuffered() {
    HttpBody body = HttpBody.ofPublisher(chunks(bytes(3000), 1000), -1);

    HttpBody.Buffered read = body.readUpTo(3000).join();

    assertThat(read.complete()).isTrue();
    assertThat(read.body().bytes()).isEqualTo(bytes(3000));
  }

  @Test
  void aPublisherOverTheLimitReplaysWhatWasReadThenTheRest() throws IOException {
    byte[] all = bytes(10_000);
    HttpBody body = HttpBody.ofPublisher(chunks(all, 700), -1);

    HttpBody.Buffered read = body.readUpTo(1000).join();

    assertThat(read.complete()).isFalse();
    assertThat(read.size()).isEqualTo(1400);
    assertThat(collect(read.body().publisher())).isEqualTo(all);
  }

  @Test
  void aPublisherOverTheLimitCanBeReadAsAStream() throws IOException {
    byte[] all = bytes(10_000);
    HttpBody.Buffered read = HttpBody.ofPublisher(chunks(all, 512), -1).readUpTo(600).join();

    try (InputStream in = read.body().inputStream()) {
      assertThat(in.readAllBytes()).isEqualTo(all);
    }
  }

  @Test
  void bodiesConvertBetweenStreamsAndPublishers() throws IOException {
    assertThat(collect(HttpBody.ofString("abc").publisher())).isEqualTo("abc".getBytes());
    assertThat(collect(HttpBody.empty().publisher())).isEmpty();
    byte[] all = bytes(40_000);
    assertThat(collect(HttpBody.ofInputStream(new ByteArrayInputStream(all), -1).publisher()))
        .isEqualTo(all);
    try (InputStream in = HttpBody.ofPublisher(chunks(all, 999), -1).inputStream()) {
      assertThat(in.readAllBytes()).isEqualTo(all);
    }
  }

  // ---------------------------------------------------------------- helpers

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  /** A publisher of {@code all} in chunks, each sent when requested. */
  static Flow.Publisher<ByteBuffer> chunks(byte[] all, int size) {
    return subscriber ->
        subscriber.onSubscribe(
            new Flow.Subscription() {
              private int at;
              private boolean done;

              @Override
              public synchronized void request(long n) {
                for (long i = 0; i < n && !done; i++) {
                  if (at >= all.length) {
                    done = true;
                    subscriber.onComplete();
                    return;
                  }
                  int len = Math.min(size, all.length - at);
                  ByteBuffer b = ByteBuffer.wrap(all, at, len);
                  at += len;
                  subscriber.onNext(b);
                }
              }

              @Override
              public void cancel() {
                done = true;
              }
            });
  }

  /** Reads a publisher to its end, on the calling thread when it emits synchronously. */
  static byte[] collect(Flow.Publisher<ByteBuffer> publisher) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.util.concurrent.CompletableFuture<Void> done =
        new java.util.concurrent.CompletableFuture<>();
    publisher.subscribe(
        new Flow.Subscriber<>() {
          private Flow.Subscription s;

          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            s = subscription;
            s.request(1);
          }

          @Override
          public void onNext(ByteBuffer item) {
            byte[] b = new byte[item.remaining()];
            item.get(b);
            out.write(b, 0, b.length);
            s.request(1);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            done.complete(null);
          }
        });
    done.join();
    return out.toByteArray();
  }

  static final class CountingStream extends ByteArrayInputStream {
    int reads;

    CountingStream(byte[] b) {
      super(b);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      reads++;
      return super.read(b, off, len);
    }

    @Override
    public synchronized int read() {
      reads++;
      return super.read();
    }
  }

  @Test
  void anAsynchronousPublisherIsReadUpToTheLimit() throws Exception {
    byte[] all = bytes(5000);
    try (SubmissionPublisher<ByteBuffer> pub = new SubmissionPublisher<>()) {
      HttpBody body = HttpBody.ofPublisher(pub, -1);
      var read = body.readUpTo(10_000);
      for (int i = 0; i < all.length; i += 1000) {
        pub.submit(ByteBuffer.wrap(all, i, 1000));
      }
      pub.close();
      assertThat(read.get(5, java.util.concurrent.TimeUnit.SECONDS).body().bytes()).isEqualTo(all);
    }
  }
}
