package dev.hitbox.dynamodb;

import dev.hitbox.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * dynalite, an open-source DynamoDB server on Node.js, in memory on a free loopback port. The build
 * installs it with npm into {@code target/dynalite} and passes its script as the system property
 * {@code dynalite.cli}. Tables become active at once.
 */
final class Dynalite extends ServerProcess {
  static final String ACCESS_KEY = "test-key";
  static final String SECRET_KEY = "test-secret";

  private Dynalite() {
    super("node");
  }

  static Dynalite launch() {
    Dynalite d = new Dynalite();
    d.start();
    return d;
  }

  /** The node process, to read its CPU time. */
  Optional<ProcessHandle> processHandle() {
    String port = Integer.toString(port());
    return ProcessHandle.current()
        .children()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(port)).orElse(false))
        .findFirst();
  }

  /** {@code http://127.0.0.1:PORT}. */
  String endpoint() {
    return "http://" + HOST + ":" + port();
  }

  /** A client for this server; the caller closes it. */
  DynamoDbAsyncClient client() {
    return client(o -> {});
  }

  /** A client for this server with more client settings; the caller closes it. */
  DynamoDbAsyncClient client(Consumer<ClientOverrideConfiguration.Builder> more) {
    return DynamoDbAsyncClient.builder()
        .endpointOverride(java.net.URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClientBuilder(
            NettyNioAsyncHttpClient.builder()
                .maxConcurrency(32)
                // the kit starts 10,000 writes at once
                .maxPendingConnectionAcquires(100_000)
                .connectionAcquisitionTimeout(Duration.ofSeconds(60)))
        .overrideConfiguration(o -> more.accept(o.apiCallTimeout(Duration.ofSeconds(60))))
        .build();
  }

  @Override
  protected List<String> command(int port) {
    String cli = System.getProperty("dynalite.cli", "target/dynalite/node_modules/dynalite/cli.js");
    if (!Files.isRegularFile(Path.of(cli))) {
      throw new IllegalStateException(
          "dynalite is not installed at "
              + cli
              + ": run the build with tests (its install-dynalite profile runs npm install)");
    }
    return List.of(
        "node",
        cli,
        "--host",
        HOST,
        "--port",
        Integer.toString(port),
        "--createTableMs",
        "0",
        "--deleteTableMs",
        "0",
        "--updateTableMs",
        "0");
  }

  @Override
  protected boolean ready(int port) {
    return listening(port);
  }
}
