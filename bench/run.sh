#!/bin/sh
# make bench: run every bench/bench_*.sh in name order. Each prints its own medians and ratios
# against the reference tools it runs in the same invocation. Not a test: nothing here fails
# on timing.
BUILD=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
export ROUTEMARK_DATA=${ROUTEMARK_DATA:-$(cd "$top/../shared/data" 2>/dev/null && pwd)}
export ROUTEMARK_BIN="$top/$BUILD/routemark"
export BENCH_BUILD="$top/$BUILD"
export BENCH_OUT="$top/bench/out"
mkdir -p "$BENCH_OUT"
cd "$top" || exit 1
for b in bench/bench_*.sh; do
	[ -f "$b" ] || continue
	echo "== $b"
	sh "$b" || echo "bench: $b exited with $?"
done
