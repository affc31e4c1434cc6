#!/bin/sh
# Run every libFuzzer target in build-fuzz/ for SECONDS each. The corpus of target NAME is
# fuzz/corpus/NAME/ (committed seeds, small) plus, when fuzz/NAME.seeds exists, the shared data
# files it lists (paths relative to ../shared/data; compressed ones are decompressed and cut to
# their first 64 KiB). Any crash fails the run and leaves its input in build-fuzz/crashes/.
SECONDS_EACH=${1:-30}
top=$(cd "$(dirname "$0")/.." && pwd)
data=${ROUTEMARK_DATA:-$top/../shared/data}
cd "$top" || exit 1
mkdir -p build-fuzz/crashes
status=0
for bin in build-fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	corpus=build-fuzz/corpus/$name
	mkdir -p "$corpus"
	[ -d "fuzz/corpus/$name" ] && cp -f fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
	if [ -f "fuzz/$name.seeds" ]; then
		if [ -d "$data" ]; then
			grep -v '^#' "fuzz/$name.seeds" | while read -r rel; do
				[ -n "$rel" ] || continue
				f="$data/$rel"; out="$corpus/seed-$(basename "$rel")"
				[ -f "$f" ] || { echo "SKIP: seed $rel absent"; continue; }
				case "$f" in
				*.gz) gzip -dc "$f" 2>/dev/null | head -c 65536 >"$out" ;;
				*.bz2) bzip2 -dc "$f" 2>/dev/null | head -c 65536 >"$out" ;;
				*) head -c 65536 "$f" >"$out" ;;
				esac
			done
		else
			echo "SKIP: shared data absent, $name runs on its committed corpus only"
		fi
	fi
	echo "fuzz: $name for ${SECONDS_EACH}s"
	if ! "$bin" -max_total_time="$SECONDS_EACH" -max_len=70000 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=build-fuzz/crashes/"$name"- -print_final_stats=1 "$corpus" \
	    >build-fuzz/"$name".log 2>&1; then
		echo "fuzz: $name FAILED (see build-fuzz/$name.log):"
		tail -40 build-fuzz/"$name".log
		status=1
	else
		grep -E "stat::number_of_executed_units|cov:" build-fuzz/"$name".log | tail -2
	fi
done
exit $status
