#!/usr/bin/env bash
# The Hitbox proxy against nginx proxy_cache and Varnish, configured the same way, measured with
# wrk in one run on this machine, on cache hits and on cache misses. Installs nothing: needs java
# (17+), wrk, nginx, varnishd and curl (Debian: apt-get install wrk nginx varnish curl). Everything
# listens on 127.0.0.1 and lives in a temp dir, which is removed, with every process started here,
# at the end. `./hitbox bench proxy` runs this script and turns its results into a table and chart.
#
#   hitbox-benchmarks/scripts/proxy-vs-nginx.sh
#   DURATION=30s CONNECTIONS=128 KEYS=1000 ROUNDS=3 hitbox-benchmarks/scripts/proxy-vs-nginx.sh
#   SERVERS="hitbox nginx" SCENARIOS=hit hitbox-benchmarks/scripts/proxy-vs-nginx.sh
#
# The three caches serve GET /api/items/{id} (about 1 KiB of JSON) from memory for TTL seconds
# (600, longer than the run), one upstream call per key at a time (nginx: proxy_cache_lock;
# Varnish coalesces requests by default), keep-alive to the upstream, WORKERS I/O threads / nginx
# worker processes (Varnish: its default thread pools).
#   hit:  wrk spreads its requests over KEYS keys, all cached beforehand, so every measured
#         request is a hit; the script checks that the upstream got no call during the runs.
#   miss: every request is for a key never asked before (/api/items/miss-...), which the
#         upstream answers after MISS_DELAY_MS (default 0): the cost of a miss through each
#         cache, next to wrk straight at the upstream ("direct").
# With RESULTS=FILE each measured run also appends a tab-separated line to FILE:
#   scenario round server requests/s p99 upstream-calls requests errors
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-20s}
MISS_WARMUP=${MISS_WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
KEYS=${KEYS:-1000}
ROUNDS=${ROUNDS:-2}
TTL=${TTL:-600}
DELAY_MS=${DELAY_MS:-20}
MISS_DELAY_MS=${MISS_DELAY_MS:-0}
WORKERS=${WORKERS:-$(nproc)}
BASE_PORT=${BASE_PORT:-18080}
SERVERS=${SERVERS:-hitbox nginx varnish}
SCENARIOS=${SCENARIOS:-hit miss}
RESULTS=${RESULTS:-}

die() { echo "proxy-vs-nginx: $*" >&2; exit 1; }
missing=()
command -v java >/dev/null 2>&1 || die "'java' not found: install a JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless)"
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
[[ " $SERVERS " == *" nginx "* ]] && ! command -v nginx >/dev/null 2>&1 && missing+=(nginx)
[[ " $SERVERS " == *" varnish "* ]] && ! command -v varnishd >/dev/null 2>&1 && missing+=(varnish)
[ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]} (Debian: apt-get install ${missing[*]})"

UPSTREAM_PORT=$BASE_PORT
PROXY_PORT=$((BASE_PORT + 1))
ADMIN_PORT=$((BASE_PORT + 2))
NGINX_PORT=$((BASE_PORT + 3))
VARNISH_PORT=$((BASE_PORT + 4))
for p in $UPSTREAM_PORT $PROXY_PORT $ADMIN_PORT $NGINX_PORT $VARNISH_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then die "port $p is taken (set BASE_PORT)"; fi
done
port_of() {
  case "$1" in
    hitbox) echo "$PROXY_PORT" ;;
    nginx) echo "$NGINX_PORT" ;;
    varnish) echo "$VARNISH_PORT" ;;
    direct) echo "$UPSTREAM_PORT" ;;
    *) die "unknown server '$1' (expected: hitbox, nginx, varnish)" ;;
  esac
}
for s in $SERVERS; do port_of "$s" >/dev/null; done

TMP=$(mktemp -d -t hitbox-bench.XXXXXX)
chmod 755 "$TMP" # varnishd's worker runs as its own user and reads the VCL from here
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

if [ -n "${HITBOX_BENCH_CP:-}" ]; then
  CP=$HITBOX_BENCH_CP # given by ./hitbox bench proxy, which has built everything
else
  echo "building hitbox-benchmarks..." >&2
  (cd "$ROOT" && ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl hitbox-benchmarks -am \
    package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime) \
    || die "build failed"
  CP="$ROOT/hitbox-benchmarks/target/classes:$(cat "$ROOT/hitbox-benchmarks/target/classpath.txt")"
  # The reactor's own classes, not older copies from the local repository.
  for m in hitbox-core hitbox-http hitbox-caffeine hitbox-proxy; do CP="$ROOT/$m/target/classes:$CP"; done
fi

wait_for() { # url
  for _ in $(seq 1 150); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  die "nothing answers at $1"
}

java -Xms256m -Xmx256m -cp "$CP" dev.hitbox.benchmarks.proxy.BenchUpstream \
  "$UPSTREAM_PORT" "$DELAY_MS" "$MISS_DELAY_MS" >"$TMP/upstream.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$UPSTREAM_PORT/calls"

if [[ " $SERVERS " == *" hitbox "* ]]; then
  java -Xms512m -Xmx512m -cp "$CP" dev.hitbox.benchmarks.proxy.BenchProxy \
    "$PROXY_PORT" "$ADMIN_PORT" "http://127.0.0.1:$UPSTREAM_PORT" "$WORKERS" "$TTL" >"$TMP/proxy.log" 2>&1 &
  PIDS+=($!)
fi

if [[ " $SERVERS " == *" nginx "* ]]; then
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
  "$(command -v nginx)" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log" &
  PIDS+=($!)
fi

if [[ " $SERVERS " == *" varnish "* ]]; then
  mkdir -p "$TMP/varnish"
  cat >"$TMP/varnish/bench.vcl" <<VCL
vcl 4.1;
backend upstream { .host = "127.0.0.1"; .port = "$UPSTREAM_PORT"; }
sub vcl_recv {
  if (req.method == "GET" && req.url ~ "^/api/items/") { return (hash); }
  return (pass);
}
sub vcl_backend_response {
  if (bereq.url ~ "^/api/items/" && beresp.status == 200) {
    set beresp.ttl = ${TTL}s;
    set beresp.grace = 0s;
  }
}
sub vcl_deliver {
  if (obj.hits > 0) { set resp.http.X-Cache-Status = "HIT"; } else { set resp.http.X-Cache-Status = "MISS"; }
}
VCL
  chmod 644 "$TMP/varnish/bench.vcl"
  # -F: in the foreground, so it is stopped with the others; -T none: no management port.
  varnishd -F -n "$TMP/varnish/work" -a "127.0.0.1:$VARNISH_PORT" -T none \
    -f "$TMP/varnish/bench.vcl" -s malloc,256m >"$TMP/varnish/varnishd.log" 2>&1 &
  PIDS+=($!)
fi

for s in $SERVERS; do wait_for "http://127.0.0.1:$(port_of "$s")/api/items/0"; done

cat >"$TMP/keys.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/items/" .. (n % $KEYS))
end
LUA
miss_script() { # tag -> path of a Lua script asking for new keys only
  cat >"$TMP/miss-$1.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/items/miss-$1-" .. n)
end
LUA
  echo "$TMP/miss-$1.lua"
}

# Cache every key on every server, then check that a key is a hit on each.
for ((i = 0; i < KEYS; i++)); do
  for s in $SERVERS; do
    printf 'url = "http://127.0.0.1:%s/api/items/%s"\noutput = "/dev/null"\n' "$(port_of "$s")" "$i"
  done
done | curl -s --parallel --parallel-max 16 -K - >/dev/null 2>&1 || true
for s in $SERVERS; do
  status=$(curl -s -D - -o /dev/null "http://127.0.0.1:$(port_of "$s")/api/items/1" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache-status" {print $2}')
  [ "$status" = "HIT" ] || die "$s: /api/items/1 is not a cache hit (X-Cache-Status: ${status:-none})"
done

measure() { # name port duration script -> prints "req/s p99 requests errors"
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --latency -s "$4" "http://127.0.0.1:$2/")
  echo "$out" >>"$TMP/wrk-$1.txt"
  local rps p99 requests errors
  rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  errors=$(echo "$out" | awk '/Non-2xx or 3xx responses:|Socket errors:/ {print}' | tr '\n' ' ' | tr -s ' ')
  echo "$rps $p99 $requests ${errors:-none}"
}
calls() { curl -s "http://127.0.0.1:$UPSTREAM_PORT/calls"; }

echo "warming up each server (JIT, connections): $MISS_WARMUP on misses, then $WARMUP on hits..." >&2
for s in $SERVERS; do
  if [[ " $SCENARIOS " == *" miss "* ]]; then
    measure "$s-warmup-miss" "$(port_of "$s")" "$MISS_WARMUP" "$(miss_script "w-$s")" >/dev/null
  fi
  measure "$s-warmup" "$(port_of "$s")" "$WARMUP" "$TMP/keys.lua" >/dev/null
done

echo
echo "GET /api/items/{id} (~1 KiB JSON), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $WORKERS I/O threads / nginx workers, $(nproc) cores"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %-6s %-9s %12s %10s %14s %10s  %s\n' scenario round server "requests/s" "p99" "upstream calls" requests errors
for scenario in $SCENARIOS; do
  servers=$SERVERS
  [ "$scenario" = miss ] && servers="direct $SERVERS"
  for ((r = 1; r <= ROUNDS; r++)); do
    for s in $servers; do
      script="$TMP/keys.lua"
      [ "$scenario" = miss ] && script=$(miss_script "r$r-$s")
      before=$(calls)
      read -r rps p99 requests errors < <(measure "$s-$scenario" "$(port_of "$s")" "$DURATION" "$script")
      upstream=$(($(calls) - before))
      printf '%-9s %-6s %-9s %12s %10s %14s %10s  %s\n' "$scenario" "$r" "$s" "$rps" "$p99" "$upstream" "$requests" "$errors"
      [ -n "$RESULTS" ] && printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$scenario" "$r" "$s" "$rps" "$p99" "$upstream" "$requests" "$errors" >>"$RESULTS"
      if [ "$scenario" = hit ] && [ "$upstream" -ne 0 ]; then
        echo "  $s: $upstream upstream calls during a hit run: not every request was a hit" >&2
      fi
    done
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
