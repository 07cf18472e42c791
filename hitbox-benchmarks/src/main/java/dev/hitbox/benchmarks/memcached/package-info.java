/** Load benchmarks of the Memcached backend against a real server. */
package dev.hitbox.benchmarks.memcached;
