package dev.hitbox.spring.boot.app;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A small application: a REST controller behind the filters, and a service with caches. */
@SpringBootApplication
@EnableCaching
public class TestApplication {

  /** An author as the API answers it. */
  public record Author(String id, String name, int page, int call) {}

  /** A book as the service returns it: a record with a list and an instant. */
  public record Book(String id, String title, List<String> tags, Instant published) {}

  /** Counts the dogpile waits of the caches. */
  @Bean
  Waits waits() {
    return new Waits();
  }

  /** A listener that counts the callers waiting for another caller's load. */
  public static final class Waits extends CacheListener {
    public final AtomicInteger count = new AtomicInteger();

    @Override
    public void onDogpileWait(CacheKey key) {
      count.incrementAndGet();
    }
  }

  @RestController
  public static class Api {
    public final AtomicInteger authorCalls = new AtomicInteger();
    public final AtomicInteger sessionCalls = new AtomicInteger();
    public final AtomicInteger asyncCalls = new AtomicInteger();

    @GetMapping("/api/authors/{id}")
    public Author author(@PathVariable String id, @RequestParam(defaultValue = "1") int page) {
      return new Author(id, "Author " + id, page, authorCalls.incrementAndGet());
    }

    @PostMapping("/api/authors/{id}")
    public Author update(@PathVariable String id) {
      return new Author(id, "Updated " + id, 1, authorCalls.incrementAndGet());
    }

    @GetMapping("/api/session")
    public String session(HttpServletResponse response) {
      int n = sessionCalls.incrementAndGet();
      response.addCookie(new Cookie("SESSION", "user" + n));
      return "hello user" + n;
    }

    public final AtomicInteger searchCalls = new AtomicInteger();

    /** A query in a POST body: the cache takes only those whose kind is query. */
    @PostMapping("/api/search")
    public String search(@RequestBody String body) {
      return "results #" + searchCalls.incrementAndGet() + " for " + body;
    }

    /** Spring MVC async: the answer is computed on another thread and dispatched back. */
    @GetMapping("/api/async/{id}")
    public Callable<String> async(@PathVariable String id) {
      int n = asyncCalls.incrementAndGet();
      return () -> "async " + id + " #" + n;
    }
  }

  @Service
  public static class Books {
    // A caching proxy stands in for this bean: tests reach the state through methods.
    private final AtomicInteger findCalls = new AtomicInteger();
    private final AtomicInteger catalogCalls = new AtomicInteger();
    private final CountDownLatch gate = new CountDownLatch(1);

    public int findCalls() {
      return findCalls.get();
    }

    public int catalogCalls() {
      return catalogCalls.get();
    }

    public void openGate() {
      gate.countDown();
    }

    @Cacheable(cacheNames = "books", sync = true)
    public Book find(String id) throws InterruptedException {
      findCalls.incrementAndGet();
      gate.await(20, TimeUnit.SECONDS);
      return book(id);
    }

    @Cacheable("catalog")
    public List<Book> catalog(String shelf) {
      catalogCalls.incrementAndGet();
      return List.of(book(shelf + "-1"), book(shelf + "-2"));
    }

    @Cacheable("catalog")
    public Book missing(String id) {
      catalogCalls.incrementAndGet();
      return null;
    }

    @CacheEvict("catalog")
    public void evict(String shelf) {}

    public static Book book(String id) {
      return new Book(
          id, "Title " + id, List.of("a", "b"), Instant.parse("2024-01-02T03:04:05.123Z"));
    }
  }
}
