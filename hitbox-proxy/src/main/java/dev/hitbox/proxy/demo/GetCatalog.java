package dev.hitbox.proxy.demo;

import static java.util.Objects.requireNonNull;

/**
 * A request for one page of one catalog category; cached under {@code catalog:{category}:{page}}.
 *
 * @param category the category, such as {@code books}
 * @param page the page number, from 1
 */
record GetCatalog(String category, int page) {
  GetCatalog {
    requireNonNull(category, "category");
    if (page < 1) {
      throw new IllegalArgumentException("page: " + page + " (expected: >= 1)");
    }
  }
}
