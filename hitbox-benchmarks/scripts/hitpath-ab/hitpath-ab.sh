#!/usr/bin/env bash
# Interleaved A/B of HitPathBenchmark: two builds of Hitbox (two class paths) in one JVM, each in
# its own class loader, hit in alternating batches so that both see the same machine load.
# Prints the medians of per-batch ns/op, of each impl's ratio to caffeine_raw within a round, and
# of after/before.
#   hitpath-ab.sh BEFORE_CP_FILE AFTER_CP_FILE [ROUNDS=40] [BATCH=50000]
# AB_IMPLS=caffeine_raw,hitbox_cache,... measures other implementations (the first is the baseline).
# A class path file holds one line "a.jar:b.jar:...": the hitbox-benchmarks jar and its runtime
# class path, copied somewhere stable (target/ changes when you rebuild), e.g. for the current tree:
#   ./mvnw -B -q -DskipTests -pl hitbox-benchmarks -am package dependency:build-classpath \
#     -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
#   echo "$PWD/hitbox-benchmarks/target/hitbox-benchmarks-0.1.0-SNAPSHOT.jar:$(cat hitbox-benchmarks/target/classpath.txt)"
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
javac -d "$OUT" -cp "$(cat "$1")" "$HERE/Loop.java"
javac -d "$OUT" "$HERE/AB.java"
java -Xmx1g -Dab.classes="$OUT/" -Dab.impls="${AB_IMPLS:-caffeine_raw,caffeine_backend,hitbox_cache,hitbox_endpoint}" -cp "$OUT" AB "$1" "$2" "${3:-40}" "${4:-50000}"
