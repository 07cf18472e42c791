/** A Jakarta Servlet filter that puts a Hitbox {@code HttpCache} in front of a web application. */
module dev.hitbox.servlet {
  requires transitive dev.hitbox.http;
  requires transitive jakarta.servlet;
  requires static org.jspecify;

  exports dev.hitbox.servlet;
}
