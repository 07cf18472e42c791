/** The DynamoDB backend of Hitbox, on the AWS SDK v2 async client. */
module dev.hitbox.dynamodb {
  requires transitive dev.hitbox.core;
  // The AWS SDK declares no module-info; these are the Automatic-Module-Names of its jars.
  requires transitive software.amazon.awssdk.services.dynamodb;
  requires transitive software.amazon.awssdk.auth;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.http.nio.netty;
  requires static dev.hitbox.config;
  requires static org.jspecify;

  exports dev.hitbox.dynamodb;

  provides dev.hitbox.config.spi.BackendProvider with
      dev.hitbox.dynamodb.internal.DynamoDbProvider;
}
