package dev.hitbox.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.CountingUpstream;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard of the docs queries only meters that exist. */
class GrafanaDashboardTest {
  static final Path DASHBOARD = Path.of("..", "docs", "grafana", "hitbox-dashboard.json");
  private static final Pattern METRIC = Pattern.compile("\\b((?:hitbox|cache)_[a-z_]+)\\b");

  /** Every PromQL query of the dashboard: panel targets and template variables. */
  static List<String> queries(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        out.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        out.add(variable.path("query").asText());
      }
    }
    return out;
  }

  static Set<String> metrics(List<String> queries) {
    Set<String> names = new TreeSet<>();
    for (String q : queries) {
      Matcher m = METRIC.matcher(q);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  @Test
  void everyMetricTheDashboardQueriesIsScrapedAfterTraffic() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    List<String> queries = queries(dashboard);
    Set<String> names = metrics(queries);
    assertThat(dashboard.path("panels")).hasSizeGreaterThanOrEqualTo(8);
    assertThat(queries).allSatisfy(q -> assertThat(q).isNotBlank());
    assertThat(names)
        .contains(
            "hitbox_requests_total",
            "hitbox_latency_seconds_bucket",
            "hitbox_upstream_duration_seconds_bucket",
            "hitbox_dogpile_waits_total",
            "hitbox_backend_errors_total",
            "hitbox_backend_read_bytes_total",
            "hitbox_offload_tasks_active",
            "hitbox_stale_if_error_total",
            "hitbox_early_refresh_total");

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CachedUpstream<String, String> cached =
        CacheEndpoint.<String, String>builder("authors")
            .backend(CaffeineBackend.builder().maxCapacity(100).build())
            .codec(ValueCodec.utf8())
            .listener(MicrometerCacheListener.of(registry))
            .build()
            .wrap(CountingUpstream.answering(r -> "v" + r));
    cached.exchange("a").join();
    cached.exchange("a").join();
    String scrape = registry.scrape();

    assertThat(names)
        .allSatisfy(
            name ->
                assertThat(scrape)
                    .as("a series of %s", name)
                    .containsPattern("(?m)^" + Pattern.quote(name) + "[{ ]"));
  }
}
