/**
 * Test helpers: {@link dev.hitbox.testkit.BackendCompatibilityKit} that every backend extends,
 * {@link dev.hitbox.testkit.FakeTicker}, {@link dev.hitbox.testkit.CountingUpstream}, {@link
 * dev.hitbox.testkit.RecordingListener} and {@link dev.hitbox.testkit.FakeBackend}.
 */
@NullMarked
package dev.hitbox.testkit;

import org.jspecify.annotations.NullMarked;
