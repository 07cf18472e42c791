/**
 * What users implement to extend Hitbox: storage backends, predicates, key extractors, value
 * codecs, compressors and concurrency managers.
 */
@NullMarked
package dev.hitbox.core.spi;

import org.jspecify.annotations.NullMarked;
