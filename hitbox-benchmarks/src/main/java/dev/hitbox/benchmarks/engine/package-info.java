/**
 * Benchmarks of the cache engine against plain Caffeine: {@link
 * dev.hitbox.benchmarks.engine.HitPathBenchmark}.
 */
@NullMarked
package dev.hitbox.benchmarks.engine;

import org.jspecify.annotations.NullMarked;
