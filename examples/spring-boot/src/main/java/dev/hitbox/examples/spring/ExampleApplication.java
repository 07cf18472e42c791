package dev.hitbox.examples.spring;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot application with {@code hitbox-spring-boot-starter}: the {@code authors} endpoint
 * of {@code application.yml} caches {@code /api/authors/{id}} responses, and the {@code books}
 * cache serves {@code @Cacheable} calls.
 */
@SpringBootApplication
@EnableCaching
public class ExampleApplication {

  /** Starts the application. */
  public static void main(String[] args) {
    SpringApplication.run(ExampleApplication.class, args);
  }

  /** An author. */
  public record Author(String id, String name, long call) {}

  /** A book. */
  public record Book(String id, String title, List<String> authors) {}

  /** The HTTP API, behind the HitboxFilter of the {@code authors} endpoint. */
  @RestController
  public static class Api {
    private final AtomicLong calls = new AtomicLong();
    private final Books books;

    Api(Books books) {
      this.books = books;
    }

    @GetMapping("/api/authors/{id}")
    public Author author(@PathVariable String id) throws InterruptedException {
      Thread.sleep(200); // a slow database
      return new Author(id, "Author " + id, calls.incrementAndGet());
    }

    @GetMapping("/books/{id}")
    public Book book(@PathVariable String id) throws InterruptedException {
      return books.find(id);
    }
  }

  /** A service whose answers go through the Hitbox CacheManager. */
  @Service
  public static class Books {
    /** Concurrent callers of one id run this once; later ones get the cached book. */
    @Cacheable(cacheNames = "books", sync = true)
    public Book find(String id) throws InterruptedException {
      Thread.sleep(200); // a slow database
      return new Book(id, "Title " + id, List.of("Author 1"));
    }
  }
}
