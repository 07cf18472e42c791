package dev.hitbox.spring.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hitbox.config.ConfigLoader;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.servlet.HitboxFilter;
import dev.hitbox.spring.cache.HitboxCacheManager;
import dev.hitbox.spring.cache.JacksonValueCodec;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Hitbox for a Spring Boot application, from the {@link HitboxProperties hitbox.* properties}:
 *
 * <ul>
 *   <li>a {@link Backend} from {@code hitbox.backend} (any type of the YAML schema, Caffeine by
 *       default), unless the application defines one (e.g. tiers: {@code l1.compose(l2)}); then
 *       every endpoint uses the application's;
 *   <li>in a servlet web application, per endpoint of the {@code hitbox.*} properties (read with
 *       the YAML schema of {@code hitbox-config}): an {@code HttpCache} bean named {@code
 *       hitboxHttpCache.<name>} and a {@link HitboxFilter} registered by a {@link
 *       FilterRegistrationBean} named {@code hitboxFilter.<name>}, for the {@code REQUEST} and
 *       {@code ASYNC} dispatches;
 *   <li>when caching is enabled ({@code @EnableCaching}) and the application defines no {@link
 *       CacheManager}: a {@link HitboxCacheManager} whose values are stored with a {@link
 *       JacksonValueCodec} allowing the application's packages ({@code @SpringBootApplication}'s)
 *       and {@code hitbox.cache.allowed-packages}.
 * </ul>
 *
 * Every {@link CacheListener} bean (combined with {@link CacheListener#composite}, in bean order)
 * listens to the endpoints' caches and to the caches of the {@code CacheManager}; with Micrometer,
 * {@link HitboxMicrometerAutoConfiguration} adds one that reports to the {@code MeterRegistry}.
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@EnableConfigurationProperties(HitboxProperties.class)
public class HitboxAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public HitboxAutoConfiguration() {}

  /** The name of the backend bean made from {@code hitbox.backend}. */
  static final String BACKEND_BEAN = "hitboxBackend";

  /**
   * The backend of {@code hitbox.backend} (any type of the YAML schema; Caffeine by default), which
   * the {@code CacheManager} and the endpoints without a backend of their own use.
   *
   * @param backends the backends made from the {@code hitbox.*} properties
   * @param environment where the {@code hitbox.*} properties are read
   */
  @Bean(name = BACKEND_BEAN, destroyMethod = "")
  @ConditionalOnMissingBean
  public Backend hitboxBackend(HitboxBackends backends, Environment environment) {
    return backends.get(
        HitboxYaml.of(environment).topLevel(ConfigLoader.create()).endpoints().get(0).backend());
  }

  /**
   * The backends made from the {@code hitbox.*} properties, one per distinct configuration, closed
   * with the context.
   */
  @Bean
  @ConditionalOnMissingBean
  HitboxBackends hitboxBackends() {
    return new HitboxBackends();
  }

  /** The filters of {@code hitbox.endpoints}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass({HitboxFilter.class, FilterRegistrationBean.class})
  @Import(EndpointFilters.class)
  static class ServletEndpoints {}

  /** The {@code CacheManager}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(CacheManager.class)
  @ConditionalOnBean(CacheAspectSupport.class)
  @ConditionalOnMissingBean(CacheManager.class)
  @ConditionalOnProperty(prefix = "hitbox.cache", name = "enabled", matchIfMissing = true)
  static class CacheManagerConfiguration {
    @Bean
    HitboxCacheManager cacheManager(
        Backend backend,
        HitboxProperties properties,
        ObjectProvider<ObjectMapper> mapper,
        ObjectProvider<CacheListener> listener,
        BeanFactory beanFactory) {
      HitboxProperties.Cache c = properties.cache();
      List<String> packages = new ArrayList<>(c.allowedPackages());
      if (AutoConfigurationPackages.has(beanFactory)) {
        packages.addAll(AutoConfigurationPackages.get(beanFactory));
      }
      JacksonValueCodec codec =
          JacksonValueCodec.of(
              mapper.getIfAvailable(() -> new ObjectMapper().findAndRegisterModules()), packages);
      HitboxCacheManager.Builder b =
          HitboxCacheManager.builder(backend, codec)
              .policy(Endpoints.policy(c.policy(), "hitbox.cache", 1))
              .cacheNames(c.names());
      CacheListener all = listeners(listener);
      if (all != CacheListener.NONE) {
        b.listener(all);
      }
      return b.build();
    }
  }

  /** Every {@link CacheListener} bean as one listener ({@link CacheListener#NONE} if none). */
  static CacheListener listeners(ObjectProvider<CacheListener> listeners) {
    return CacheListener.composite(listeners.orderedStream().toList());
  }
}
