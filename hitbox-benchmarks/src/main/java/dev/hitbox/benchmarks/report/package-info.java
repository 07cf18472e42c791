/**
 * What {@code ./hitbox bench NAME} writes: a Markdown table and a PNG chart per benchmark suite
 * under {@code docs/benchmarks/}, and the suite's section of {@code docs/benchmarks.md}.
 */
@NullMarked
package dev.hitbox.benchmarks.report;

import org.jspecify.annotations.NullMarked;
