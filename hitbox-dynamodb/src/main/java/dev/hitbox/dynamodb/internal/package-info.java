/** The YAML provider of {@code type: DynamoDb}; not an API. */
@NullMarked
package dev.hitbox.dynamodb.internal;

import org.jspecify.annotations.NullMarked;
