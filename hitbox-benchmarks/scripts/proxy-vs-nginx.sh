#!/usr/bin/env bash
# Cache hits through the Hitbox proxy and through nginx proxy_cache, configured the same way,
# measured with wrk in one run on this machine. Installs nothing: needs java (17+), wrk and nginx
# (Debian: apt-get install wrk nginx). Everything listens on 127.0.0.1 and lives in a temp dir,
# which is removed, with every process started here, at the end.
#
#   hitbox-benchmarks/scripts/proxy-vs-nginx.sh
#   DURATION=30s CONNECTIONS=128 KEYS=1000 ROUNDS=3 hitbox-benchmarks/scripts/proxy-vs-nginx.sh
#
# Both caches serve GET /api/items/{id} (about 1 KiB of JSON) from memory for TTL seconds (600,
# longer than the run), one upstream call per key at a time (nginx: proxy_cache_lock), keep-alive
# to the upstream, WORKERS I/O threads / nginx worker processes. wrk spreads its requests over
# KEYS keys, all cached beforehand, so every measured request is a hit; the script checks that
# the upstream got no call during the measured runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-20s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
KEYS=${KEYS:-1000}
ROUNDS=${ROUNDS:-2}
TTL=${TTL:-600}
WORKERS=${WORKERS:-$(nproc)}
BASE_PORT=${BASE_PORT:-18080}

die() { echo "proxy-vs-nginx: $*" >&2; exit 1; }
for tool in java wrk nginx curl; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (Debian: apt-get install wrk nginx curl; and a JDK 17+)"
done
NGINX_BIN=$(command -v nginx)

UPSTREAM_PORT=$BASE_PORT
PROXY_PORT=$((BASE_PORT + 1))
ADMIN_PORT=$((BASE_PORT + 2))
NGINX_PORT=$((BASE_PORT + 3))
for p in $UPSTREAM_PORT $PROXY_PORT $ADMIN_PORT $NGINX_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port $p is taken (set BASE_PORT)"; fi
done

TMP=$(mktemp -d -t hitbox-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "building hitbox-benchmarks..." >&2
(cd "$ROOT" && ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl hitbox-benchmarks -am \
  package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime) \
  || die "build failed"
CP="$ROOT/hitbox-benchmarks/target/classes:$(cat "$ROOT/hitbox-benchmarks/target/classpath.txt")"
# The reactor's own classes, not older copies from the local repository.
for m in hitbox-core hitbox-http hitbox-caffeine hitbox-proxy; do CP="$ROOT/$m/target/classes:$CP"; done

wait_for() { # url
  for _ in $(seq 1 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  die "nothing answers at $1"
}

java -Xms256m -Xmx256m -cp "$CP" dev.hitbox.benchmarks.proxy.BenchUpstream "$UPSTREAM_PORT" 20 \
  >"$TMP/upstream.log" 2>&1 &
PIDS+=($!)
java -Xms512m -Xmx512m -cp "$CP" dev.hitbox.benchmarks.proxy.BenchProxy \
  "$PROXY_PORT" "$ADMIN_PORT" "http://127.0.0.1:$UPSTREAM_PORT" "$WORKERS" "$TTL" >"$TMP/proxy.log" 2>&1 &
PIDS+=($!)

mkdir -p "$TMP/nginx/cache" "$TMP/nginx/logs"
USER_LINE=""
[ "$(id -u)" -eq 0 ] && USER_LINE="user root;"
cat >"$TMP/nginx/nginx.conf" <<CONF
$USER_LINE
daemon off;
worker_processes $WORKERS;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  proxy_cache_path $TMP/nginx/cache levels=1:2 keys_zone=items:16m max_size=256m inactive=${TTL}s use_temp_path=off;
  upstream backend { server 127.0.0.1:$UPSTREAM_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /api/items/ {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache items;
      proxy_cache_key \$request_method\$request_uri;
      proxy_cache_valid 200 ${TTL}s;
      proxy_cache_lock on;
      add_header X-Cache-Status \$upstream_cache_status;
    }
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
"$NGINX_BIN" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log" &
PIDS+=($!)

wait_for "http://127.0.0.1:$UPSTREAM_PORT/calls"
wait_for "http://127.0.0.1:$PROXY_PORT/api/items/0"
wait_for "http://127.0.0.1:$NGINX_PORT/api/items/0"

cat >"$TMP/keys.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/items/" .. (n % $KEYS))
end
LUA

# Cache every key on both, then check that a key is a hit on both.
for ((i = 0; i < KEYS; i++)); do
  for port in $PROXY_PORT $NGINX_PORT; do
    printf 'url = "http://127.0.0.1:%s/api/items/%s"\noutput = "/dev/null"\n' "$port" "$i"
  done
done | curl -s --parallel --parallel-max 16 -K - >/dev/null 2>&1 || true
for port in $PROXY_PORT $NGINX_PORT; do
  status=$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/api/items/1" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache-status" {print $2}')
  [ "$status" = "HIT" ] || die "port $port: /api/items/1 is not a cache hit (X-Cache-Status: ${status:-none})"
done
measure() { # name port duration -> prints "req/s p99"
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --latency -s "$TMP/keys.lua" "http://127.0.0.1:$2/")
  echo "$out" >>"$TMP/wrk-$1.txt"
  local rps p99 errors
  rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx or 3xx responses:|Socket errors:/ {print}' | tr '\n' ' ')
  echo "$rps $p99 $errors"
}

echo "warming up both for $WARMUP each (JIT, connections)..." >&2
measure hitbox-warmup "$PROXY_PORT" "$WARMUP" >/dev/null
measure nginx-warmup "$NGINX_PORT" "$WARMUP" >/dev/null
calls_before=$(curl -s "http://127.0.0.1:$UPSTREAM_PORT/calls")

echo
echo "Cache hits, GET /api/items/{0..$((KEYS - 1))} (~1 KiB JSON), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $WORKERS I/O threads / nginx workers, $(nproc) cores"
printf '%-7s %-10s %14s %12s  %s\n' round server "requests/s" "p99" "errors"
for ((r = 1; r <= ROUNDS; r++)); do
  for server in hitbox nginx; do
    port=$PROXY_PORT
    [ "$server" = nginx ] && port=$NGINX_PORT
    read -r rps p99 errors < <(measure "$server" "$port" "$DURATION")
    printf '%-7s %-10s %14s %12s  %s\n' "$r" "$server" "$rps" "$p99" "${errors:-}"
  done
done
calls_after=$(curl -s "http://127.0.0.1:$UPSTREAM_PORT/calls")
echo "upstream calls during the measured runs: $((calls_after - calls_before)) (0: every request was a hit)"
