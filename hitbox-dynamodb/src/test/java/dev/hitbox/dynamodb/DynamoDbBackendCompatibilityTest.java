package dev.hitbox.dynamodb;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return DynamoDbBackend.builder().table("kit").client(client).build();
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
