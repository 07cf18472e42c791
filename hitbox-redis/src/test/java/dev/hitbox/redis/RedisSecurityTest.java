package dev.hitbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CacheException;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.CountingUpstream;
import dev.hitbox.testkit.RedisServer;
import dev.hitbox.testkit.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACL users, passwords, databases, unreachable servers and TLS, against real servers: a clear error
 * when verified at startup, fail-open at request time.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RedisSecurityTest {
  private static final Duration CALL = Duration.ofSeconds(5);

  @TempDir static Path tls;
  private static RedisServer acl;
  private static RedisServer secure;
  private static int tlsPort;

  @BeforeAll
  static void startServers() throws Exception {
    acl = RedisServer.launch();
    cli(acl.port(), "ACL", "SETUSER", "hitbox", "on", ">s3cret", "~*", "+@all");

    generateCertificates(tls);
    tlsPort = ServerProcess.freePort();
    secure =
        RedisServer.launch(
            "--tls-port",
            Integer.toString(tlsPort),
            "--tls-cert-file",
            tls.resolve("server.pem").toString(),
            "--tls-key-file",
            tls.resolve("server.key").toString(),
            "--tls-ca-cert-file",
            tls.resolve("ca.pem").toString(),
            "--tls-auth-clients",
            "no");
  }

  @AfterAll
  static void stopServers() {
    try {
      if (acl != null) {
        acl.close();
      }
    } finally {
      if (secure != null) {
        secure.close();
      }
    }
  }

  // ---------------------------------------------------------------- ACL user and password

  @Test
  void aclUserWithPasswordReadsAndWrites() {
    try (RedisBackend redis =
        RedisBackend.builder()
            .host("127.0.0.1")
            .port(acl.port())
            .username("hitbox")
            .password("s3cret")
            .database(3)
            .buildVerified()) {
      assertRoundTrip(redis);
    }
    try (RedisBackend redis =
        RedisBackend.builder()
            .connectionString("redis://hitbox:s3cret@127.0.0.1:" + acl.port() + "/3")
            .buildVerified()) {
      assertRoundTrip(redis);
    }
  }

  @Test
  void wrongPasswordIsAClearErrorAtVerification() {
    assertThatThrownBy(
            () ->
                RedisBackend.builder()
                    .connectionString("redis://hitbox:wrong@127.0.0.1:" + acl.port())
                    .buildVerified())
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("127.0.0.1:" + acl.port())
        .hasMessageContaining("user hitbox")
        .hasMessageContaining("authentication failed")
        .hasMessageContaining("WRONGPASS")
        .hasMessageNotContaining("wrong@");
  }

  @Test
  void wrongPasswordFailsOpenAtRequestTime() throws Exception {
    try (RedisBackend redis =
        RedisBackend.builder()
            .host("127.0.0.1")
            .port(acl.port())
            .username("hitbox")
            .password("wrong")
            .build()) {
      assertFailsOpen(redis, "WRONGPASS");
    }
  }

  @Test
  void missingDatabaseIsAClearErrorAtVerificationAndFailsOpenLater() throws Exception {
    RedisBackend.Builder builder =
        RedisBackend.builder().host("127.0.0.1").port(acl.port()).database(99);

    assertThatThrownBy(builder::buildVerified)
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("127.0.0.1:" + acl.port() + " (database 99)")
        .hasMessageContaining("database rejected")
        .hasMessageContaining("DB index is out of range");
    try (RedisBackend redis = builder.build()) {
      assertFailsOpen(redis, "DB index is out of range");
    }
  }

  @Test
  void unreachableServerIsAClearErrorAtVerificationAndFailsOpenLater() throws Exception {
    int nothing = ServerProcess.freePort();
    RedisBackend.Builder builder =
        RedisBackend.builder()
            .host("127.0.0.1")
            .port(nothing)
            .connectTimeout(Duration.ofSeconds(2));

    long start = System.nanoTime();
    assertThatThrownBy(builder::buildVerified)
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("127.0.0.1:" + nothing)
        .hasMessageContaining("cannot connect")
        .hasMessageContaining("connection refused");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    try (RedisBackend redis = builder.build()) {
      assertFailsOpen(redis, "connection refused");
    }
  }

  // ---------------------------------------------------------------- TLS

  @Test
  void tlsWithTheTestsOwnCertificateAuthority() {
    try (RedisBackend redis =
        RedisBackend.builder()
            .connectionString("rediss://127.0.0.1:" + tlsPort)
            .trustedCertificates(tls.resolve("ca.pem"))
            .buildVerified()) {
      assertRoundTrip(redis);
    }
  }

  @Test
  void tlsServerNotTrustedIsAClearError() {
    assertThatThrownBy(
            () ->
                RedisBackend.builder()
                    .connectionString("rediss://127.0.0.1:" + tlsPort)
                    .connectTimeout(Duration.ofSeconds(3))
                    .buildVerified())
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("rediss 127.0.0.1:" + tlsPort)
        .hasMessageContaining("TLS handshake failed");
  }

  @Test
  void plainTextToATlsPortFailsAtVerificationAndFailsOpenLater() throws Exception {
    RedisBackend.Builder builder =
        RedisBackend.builder()
            .host("127.0.0.1")
            .port(tlsPort)
            .connectTimeout(Duration.ofSeconds(1));

    assertThatThrownBy(builder::buildVerified)
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("redis 127.0.0.1:" + tlsPort);
    try (RedisBackend redis = builder.build()) {
      assertFailsOpen(redis, "");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void assertRoundTrip(RedisBackend redis) {
    CacheKey key = CacheKey.of("security", "k");
    byte[] value = "v".getBytes(StandardCharsets.UTF_8);
    long expireAt = System.currentTimeMillis() + 60_000;
    join(redis.write(key, BackendEntry.of(value, expireAt, expireAt, Set.of("t"))));
    assertThat(join(redis.read(key))).isEqualTo(value);
    assertThat(join(redis.invalidateTag("t"))).isEqualTo(1);
    assertThat(join(redis.read(key))).isNull();
  }

  /** Requests get the upstream's answer, and the backend error names the cause. */
  private static void assertFailsOpen(RedisBackend redis, String cause) throws Exception {
    CountingListener listener = new CountingListener();
    CountingUpstream<String, String> upstream = CountingUpstream.answering(k -> "value of " + k);
    CachedUpstream<String, String> cached =
        CacheEndpoint.<String, String>builder("failopen")
            .backend(redis)
            .codec(ValueCodec.utf8())
            .listener(listener)
            .backendTimeout(Duration.ofSeconds(2))
            .build()
            .wrap(upstream);
    for (int i = 0; i < 5; i++) {
      assertThat(cached.call("k").get(10, TimeUnit.SECONDS)).isEqualTo("value of k");
    }
    assertThat(upstream.calls()).isEqualTo(5);
    assertThat(listener.backendErrors.get()).as("backend errors counted").isPositive();
    assertThat(String.valueOf(listener.lastError.get())).contains(cause);
  }

  private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(CALL.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void cli(int port, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", "" + port));
    cmd.addAll(List.of(args));
    run(cmd);
  }

  /** A CA, and a server certificate it signed for 127.0.0.1 and localhost, made with openssl. */
  private static void generateCertificates(Path dir) throws IOException, InterruptedException {
    String ec = "ec_paramgen_curve:prime256v1";
    run(
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            ec,
            "-nodes",
            "-keyout",
            dir.resolve("ca.key").toString(),
            "-out",
            dir.resolve("ca.pem").toString(),
            "-days",
            "2",
            "-subj",
            "/CN=hitbox test CA"));
    run(
        List.of(
            "openssl",
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            ec,
            "-nodes",
            "-keyout",
            dir.resolve("server.key").toString(),
            "-out",
            dir.resolve("server.csr").toString(),
            "-subj",
            "/CN=127.0.0.1"));
    Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    run(
        List.of(
            "openssl",
            "x509",
            "-req",
            "-in",
            dir.resolve("server.csr").toString(),
            "-CA",
            dir.resolve("ca.pem").toString(),
            "-CAkey",
            dir.resolve("ca.key").toString(),
            "-CAcreateserial",
            "-out",
            dir.resolve("server.pem").toString(),
            "-days",
            "2",
            "-extfile",
            dir.resolve("san.cnf").toString()));
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
    }
  }
}
