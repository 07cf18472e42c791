/**
 * The DynamoDB backend: {@link dev.hitbox.dynamodb.DynamoDbBackend}, built with {@link
 * dev.hitbox.dynamodb.DynamoDbBackend#builder()}.
 */
@NullMarked
package dev.hitbox.dynamodb;

import org.jspecify.annotations.NullMarked;
