package dev.hitbox.spring.boot;

import dev.hitbox.config.ConfigLoader;
import dev.hitbox.config.EndpointConfig;
import dev.hitbox.config.HitboxConfig;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.OffloadManager;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.config.HttpEndpoints;
import dev.hitbox.servlet.HitboxFilter;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers, per endpoint of the {@code hitbox.*} properties (read as the YAML schema of {@code
 * hitbox-config}, see {@link HitboxYaml}), an {@link HttpCache} bean and a {@link
 * FilterRegistrationBean} for its {@link HitboxFilter}: one bean per endpoint, so that each can be
 * looked up, ordered or replaced by name. The properties are validated here, so a bad one fails the
 * startup.
 */
final class EndpointFilters
    implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {
  private @Nullable Environment environment;
  private @Nullable BeanFactory beanFactory;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public void registerBeanDefinitions(
      AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    Environment env = environment;
    BeanFactory bf = beanFactory;
    if (env == null || bf == null) {
      return;
    }
    HitboxYaml yaml = HitboxYaml.of(env);
    if (!yaml.hasEndpoints()) {
      return;
    }
    HitboxConfig config = yaml.config(ConfigLoader.create());
    Binder binder = Binder.get(env);
    RootBeanDefinition offload =
        new RootBeanDefinition(
            OffloadManager.class,
            () -> config.offload().toBuilder().listener(listener(bf)).build());
    registry.registerBeanDefinition("hitboxOffloadManager", offload);
    for (int i = 0; i < config.endpoints().size(); i++) {
      EndpointConfig e = config.endpoints().get(i);
      String where = "hitbox.endpoints[" + i + "]";
      // Bound one by one: a list of them would end at the first endpoint without these keys.
      HitboxProperties.Endpoint spring =
          binder
              .bind(where, HitboxProperties.Endpoint.class)
              .orElse(HitboxProperties.Endpoint.DEFAULT);
      String cacheBean = "hitboxHttpCache." + e.name();
      registry.registerBeanDefinition(
          cacheBean,
          new RootBeanDefinition(
              HttpCache.class,
              () -> {
                try {
                  return HttpEndpoints.cache(
                      e,
                      backend(bf, e),
                      listener(bf),
                      bf.getBean("hitboxOffloadManager", OffloadManager.class));
                } catch (ConfigurationException x) {
                  throw new ConfigurationException(where + ": " + x.getMessage());
                }
              }));
      List<String> patterns = urlPatterns(spring, e);
      RootBeanDefinition filter =
          new RootBeanDefinition(
              FilterRegistrationBean.class,
              () ->
                  registration(
                      e.name(), bf.getBean(cacheBean, HttpCache.class), patterns, spring.order()));
      registry.registerBeanDefinition("hitboxFilter." + e.name(), filter);
    }
  }

  /**
   * The application's {@code Backend} bean if it defines one; else the backend of the endpoint's
   * {@code backend:} settings, shared with the endpoints of equal settings.
   */
  private static Backend backend(BeanFactory bf, EndpointConfig e) {
    if (bf instanceof ListableBeanFactory l) {
      String[] names = l.getBeanNamesForType(Backend.class);
      if (Arrays.equals(names, new String[] {HitboxAutoConfiguration.BACKEND_BEAN})) {
        return bf.getBean(HitboxBackends.class).get(e.backend());
      }
    }
    return bf.getBean(Backend.class);
  }

  /** Every {@code CacheListener} bean of the application (Micrometer's among them), as one. */
  private static CacheListener listener(BeanFactory bf) {
    return HitboxAutoConfiguration.listeners(bf.getBeanProvider(CacheListener.class));
  }

  /**
   * Where the endpoint's filter is mapped: {@code url-patterns} if given, else the prefix before
   * the first placeholder of each path its {@code Path} rules allow ({@code /api/authors/{id}} maps
   * {@code /api/authors/*}), else everything.
   */
  static List<String> urlPatterns(HitboxProperties.Endpoint spring, EndpointConfig e) {
    if (!spring.urlPatterns().isEmpty()) {
      return spring.urlPatterns();
    }
    List<String> templates = HttpEndpoints.pathTemplates(e.request());
    if (templates.isEmpty()) {
      return List.of("/*");
    }
    return templates.stream().map(EndpointFilters::urlPattern).distinct().toList();
  }

  private static String urlPattern(String template) {
    int brace = template.indexOf('{');
    if (brace < 0) {
      return template;
    }
    int slash = template.lastIndexOf('/', brace);
    return template.substring(0, Math.max(0, slash)) + "/*";
  }

  private static FilterRegistrationBean<HitboxFilter> registration(
      String name, HttpCache cache, List<String> patterns, int order) {
    FilterRegistrationBean<HitboxFilter> r = new FilterRegistrationBean<>(HitboxFilter.of(cache));
    r.setName("hitbox-" + name);
    r.setUrlPatterns(patterns);
    r.setDispatcherTypes(HitboxFilter.dispatcherTypes());
    r.setAsyncSupported(true);
    r.setOrder(order);
    return r;
  }
}
