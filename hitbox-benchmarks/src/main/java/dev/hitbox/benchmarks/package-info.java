/**
 * JMH benchmarks of Hitbox, run with {@code ./hitbox bench [name] [jmh options]} through {@link
 * dev.hitbox.benchmarks.BenchMain}. Not published.
 */
@NullMarked
package dev.hitbox.benchmarks;

import org.jspecify.annotations.NullMarked;
