package dev.hitbox.spring.boot;

import dev.hitbox.core.CacheListener;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.http.HttpCache;
import dev.hitbox.servlet.HitboxFilter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers, per {@code hitbox.endpoints[i]}, an {@link HttpCache} bean and a {@link
 * FilterRegistrationBean} for its {@link HitboxFilter}: one bean per endpoint, so that each can be
 * looked up, ordered or replaced by name.
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
    HitboxProperties p = Binder.get(env).bind("hitbox", HitboxProperties.class).orElse(null);
    if (p == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < p.endpoints().size(); i++) {
      HitboxProperties.Endpoint e = p.endpoints().get(i);
      int index = i;
      String name = Endpoints.name(e, i);
      if (!names.add(name)) {
        throw new ConfigurationException(
            "hitbox.endpoints[" + i + "].name: " + name + " (expected: a name not used before)");
      }
      String cacheBean = "hitboxHttpCache." + name;
      registry.registerBeanDefinition(
          cacheBean,
          new RootBeanDefinition(
              HttpCache.class,
              () ->
                  Endpoints.httpCache(
                      e,
                      index,
                      bf.getBean(Backend.class),
                      HitboxAutoConfiguration.listeners(bf.getBeanProvider(CacheListener.class)))));
      List<String> patterns = Endpoints.urlPatterns(e);
      RootBeanDefinition filter =
          new RootBeanDefinition(
              FilterRegistrationBean.class,
              () -> registration(name, bf.getBean(cacheBean, HttpCache.class), patterns, e));
      registry.registerBeanDefinition("hitboxFilter." + name, filter);
    }
  }

  private static FilterRegistrationBean<HitboxFilter> registration(
      String name, HttpCache cache, List<String> patterns, HitboxProperties.Endpoint e) {
    FilterRegistrationBean<HitboxFilter> r = new FilterRegistrationBean<>(HitboxFilter.of(cache));
    r.setName("hitbox-" + name);
    r.setUrlPatterns(patterns);
    r.setDispatcherTypes(HitboxFilter.dispatcherTypes());
    r.setAsyncSupported(true);
    r.setOrder(e.order());
    return r;
  }
}
