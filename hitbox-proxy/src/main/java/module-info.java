/**
 * The standalone Hitbox applications: the caching reverse proxy ({@code dev.hitbox.proxy}, whose
 * API lets a program embed it or a configuration module build its routes) and the API-gateway demo.
 */
module dev.hitbox.proxy {
  requires transitive dev.hitbox.http;
  requires dev.hitbox.core;
  requires dev.hitbox.caffeine;
  requires dev.hitbox.config;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires com.fasterxml.jackson.databind;
  requires jdk.unsupported;
  requires static org.jspecify;

  exports dev.hitbox.proxy;

  uses dev.hitbox.proxy.ProxyConfigLoader;
}
