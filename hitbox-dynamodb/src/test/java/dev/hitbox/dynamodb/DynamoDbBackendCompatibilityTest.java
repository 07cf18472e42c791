package dev.hitbox.dynamodb;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** The kit against one dynalite server and one table for the whole class. */
class DynamoDbBackendCompatibilityTest extends BackendCompatibilityKit {
  private static Dynalite server;
  private static DynamoDbAsyncClient client;

  @BeforeAll
  static void startServer() {
    server = Dynalite.launch();
    client = server.client();
    // creates the table through the backend's own create_table path
    DynamoDbBackend.builder().table("kit").client(client).createTable(true).buildVerified();
  }

  @AfterAll
  static void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Duration serverCpu = Duration.ZERO;
  private Duration testCpu = Duration.ZERO;

  /**
   * Prints the CPU time the server and this JVM spent on each test: on a shared, loaded machine the
   * wall-clock time says little about what the test costs.
   */
  @BeforeEach
  void recordCpu(TestInfo test) {
    serverCpu = cpu(server.processHandle());
    testCpu = cpu(Optional.of(ProcessHandle.current()));
  }

  @AfterEach
  void printCpu(TestInfo test) {
    System.out.printf(
        "%s: dynalite CPU %d ms, test JVM CPU %d ms%n",
        test.getDisplayName(),
        cpu(server.processHandle()).minus(serverCpu).toMillis(),
        cpu(Optional.of(ProcessHandle.current())).minus(testCpu).toMillis());
  }

  private static Duration cpu(Optional<ProcessHandle> process) {
    return process.flatMap(p -> p.info().totalCpuDuration()).orElse(Duration.ZERO);
  }

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    // A low threshold batches the kit's bursts and concurrent writers, which a single-threaded
    // local server otherwise serves one slow request at a time; sequential calls stay single.
    return DynamoDbBackend.builder().table("kit").client(client).batchThreshold(4).build();
  }

  @Override
  protected long maxValueBytes() {
    return DynamoDbBackend.MAX_VALUE_BYTES;
  }

  @Override
  protected Duration shortExpiry() {
    return Duration.ofSeconds(1);
  }
}
