package dev.hitbox.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.OffloadManager;
import dev.hitbox.core.TimeoutPolicy;
import dev.hitbox.testkit.RecordingListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OffloadManagerTest {
  private final RecordingListener listener = new RecordingListener();

  @Test
  void tasksOverTheLimitAreRejectedAndCounted() {
    OffloadManager m =
        OffloadManager.builder()
            .maxConcurrentTasks(2)
            .executor(Runnable::run)
            .listener(listener)
            .build();
    CompletableFuture<Void> gate = new CompletableFuture<>();

    m.spawn("a", () -> gate);
    m.spawn("b", () -> gate);
    CompletableFuture<Boolean> third = m.spawn("c", () -> gate);

    assertThat(third.join()).isFalse();
    assertThat(m.active()).isEqualTo(2);
    assertThat(m.rejected()).isEqualTo(1);
    assertThat(listener.count("offload-rejected c")).isEqualTo(1);
    gate.complete(null);
    assertThat(m.active()).isZero();
    assertThat(m.completed()).isEqualTo(2);
    assertThat(m.spawn("c", () -> CompletableFuture.completedFuture(null)).join()).isTrue();
  }

  @Test
  void tasksWithTheSameKeyAreDeduplicated() {
    OffloadManager m = OffloadManager.builder().executor(Runnable::run).build();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    int[] runs = {0};

    CompletableFuture<Boolean> first =
        m.spawn(
            "k",
            () -> {
              runs[0]++;
              return gate;
            });
    CompletableFuture<Boolean> second =
        m.spawn(
            "k",
            () -> {
              runs[0]++;
              return gate;
            });

    assertThat(second.join()).isFalse();
    assertThat(m.deduplicated()).isEqualTo(1);
    gate.complete(null);
    assertThat(first.join()).isTrue();
    assertThat(runs[0]).isEqualTo(1);
    assertThat(m.spawned()).isEqualTo(1);
  }

  @Test
  void withoutDeduplicationTheSameKeyRunsTwice() {
    OffloadManager m = OffloadManager.builder().deduplicate(false).executor(Runnable::run).build();
    CompletableFuture<Void> gate = new CompletableFuture<>();

    m.spawn("k", () -> gate);
    m.spawn("k", () -> gate);

    assertThat(m.active()).isEqualTo(2);
    assertThat(m.deduplicated()).isZero();
  }

  @Test
  void cancelPolicyCancelsATaskThatRunsTooLong() {
    OffloadManager m =
        OffloadManager.builder()
            .timeoutPolicy(TimeoutPolicy.cancel(Duration.ofMillis(50)))
            .executor(Runnable::run)
            .listener(listener)
            .build();
    CompletableFuture<Void> never = new CompletableFuture<>();

    CompletableFuture<Boolean> done = m.spawn("slow", () -> never);

    assertThat(done.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join()).isFalse();
    assertThat(never).isCancelled();
    assertThat(m.timedOut()).isEqualTo(1);
    assertThat(m.active()).isZero();
    assertThat(listener.count("offload-timed-out slow")).isEqualTo(1);
  }

  @Test
  void warnPolicyReportsButLetsTheTaskFinish() {
    OffloadManager m =
        OffloadManager.builder()
            .timeoutPolicy(TimeoutPolicy.warn(Duration.ofMillis(50)))
            .executor(Runnable::run)
            .listener(listener)
            .build();
    CompletableFuture<Void> gate = new CompletableFuture<>();

    CompletableFuture<Boolean> done = m.spawn("slow", () -> gate);
    await().atMost(Duration.ofSeconds(5)).until(() -> m.timedOut() == 1);

    assertThat(gate).isNotCancelled();
    assertThat(m.active()).isEqualTo(1);
    gate.complete(null);
    assertThat(done.join()).isTrue();
    assertThat(m.active()).isZero();
  }

  @Test
  void aTaskThatThrowsIsCompletedNotLost() {
    OffloadManager m = OffloadManager.builder().executor(Runnable::run).listener(listener).build();

    CompletableFuture<Boolean> done =
        m.spawn(
            "k",
            () -> {
              throw new IllegalStateException("boom");
            });

    assertThat(done.join()).isFalse();
    assertThat(m.active()).isZero();
    assertThat(listener.count("offload-completed k false")).isEqualTo(1);
  }

  @Test
  void invalidSettingsAreClearErrors() {
    assertThatThrownBy(() -> OffloadManager.builder().maxConcurrentTasks(0))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("max_concurrent_tasks: 0 (expected: >= 1)");
    assertThatThrownBy(() -> TimeoutPolicy.cancel(Duration.ZERO))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("timeout: PT0S (expected: > 0)");
  }
}
