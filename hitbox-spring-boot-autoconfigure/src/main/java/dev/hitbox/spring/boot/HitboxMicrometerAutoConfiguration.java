package dev.hitbox.spring.boot;

import dev.hitbox.micrometer.MicrometerCacheListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Hitbox meters in the application's Micrometer {@link MeterRegistry}: when {@code
 * hitbox-micrometer} is on the class path and a {@code MeterRegistry} bean exists (Spring Boot
 * Actuator makes one), a {@link MicrometerCacheListener} bean that {@link HitboxAutoConfiguration}
 * gives to the {@code hitbox.endpoints} filters and to the {@code HitboxCacheManager}'s caches. The
 * meters are {@code hitbox.requests}, {@code hitbox.latency}, ... ({@code hitbox_requests_total} in
 * Prometheus) and Micrometer's {@code cache.gets} / {@code cache.puts} tagged {@code cache}; see
 * docs/observability.md. {@code hitbox.metrics.enabled=false} turns it off.
 */
@AutoConfiguration(
    before = HitboxAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration"
    })
@ConditionalOnClass({MeterRegistry.class, MicrometerCacheListener.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "hitbox.metrics", name = "enabled", matchIfMissing = true)
public class HitboxMicrometerAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public HitboxMicrometerAutoConfiguration() {}

  /**
   * The listener reporting every Hitbox endpoint and cache to {@code registry}.
   *
   * @param registry the application's (primary) meter registry
   */
  @Bean
  @ConditionalOnMissingBean
  public MicrometerCacheListener hitboxMicrometerListener(MeterRegistry registry) {
    return MicrometerCacheListener.of(registry);
  }
}
