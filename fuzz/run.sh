#!/bin/sh
# Run every libFuzzer target in build-fuzz/ for SECONDS each. The corpus of target NAME is
# fuzz/corpus/NAME/ (committed seeds, small) plus the seeds fuzz/NAME.seeds cuts from real files
# of the shared data folder (ROUTEMARK_DATA, default ../shared/data). A .seeds line is
#   PATH [MODE]     PATH relative to the data folder; MODE is one of
#     cut   (default) the file decompressed (gzip, bzip2) and cut to its first 64 KiB
#     raw   the file's bytes as stored (compressed or not), first 64 KiB
#     bz2   the first 160 KiB decompressed, recompressed with bzip2 -1 (a real multi-block
#           stream for the two-thread bzip2 decoder)
#     json  a one-line JSON document {..."data":[{...},{...},...]} cut to its first 64 KiB at
#           the last whole element and closed again ("]}"): valid JSON with real records
#     pre0  like cut, preceded by one zero byte (fuzz_profile: an even first byte = a profile)
#     urls  the first 6 data lines "ASN PREFIX ..." as serve request targets (/api/v1/as/ASN,
#           /api/v1/prefix/PREFIX, /as/ASN/conformance, ...)
# With the data folder present every listed file must exist (CI=true: also when it is absent).
# Any crash fails the run and leaves its input in build-fuzz/crashes/. Per target it prints the
# executions, libFuzzer's coverage (cov: edges, ft: features) when the corpus was loaded
# (INITED) and at the end, and how many new inputs it found after the corpus.
SECONDS_EACH=${1:-30}
top=$(cd "$(dirname "$0")/.." && pwd)
data=${ROUTEMARK_DATA:-$top/../shared/data}
cd "$top" || exit 1
mkdir -p build-fuzz/crashes
status=0
failed=""

# seed RELPATH MODE OUTFILE
seed() {
	f="$data/$1"
	case "$f" in
	*.gz) dec="gzip -dc" ;;
	*.bz2) dec="bzip2 -dc" ;;
	*) dec="cat" ;;
	esac
	case "$2" in
	raw) head -c 65536 "$f" >"$3" ;;
	bz2) $dec "$f" 2>/dev/null | head -c 163840 | bzip2 -1 >"$3" ;;
	json) $dec "$f" 2>/dev/null | head -c 65536 | sed 's/\(.*}\),{.*$/\1]}/' >"$3" ;;
	pre0) { printf '\000'; $dec "$f" 2>/dev/null | head -c 65536; } >"$3" ;;
	urls)
		grep -v '^[%#]' "$f" | awk 'NF >= 2 && n < 6 { n++; p = $2; gsub("/", "%2F", p)
			print "/api/v1/as/AS" $1 "?findings=5" > (OUT "-" n "-as")
			print "/api/v1/prefix/" p "?covering=true" > (OUT "-" n "-prefix")
			print "/as/" $1 "/conformance?profile=manrs-netops" > (OUT "-" n "-conf")
			print "/api/v1/as/" $1 "/incidents?metric=m2&limit=" $3 > (OUT "-" n "-inc") }' \
			OUT="$3" ;;
	*) $dec "$f" 2>/dev/null | head -c 65536 >"$3" ;;
	esac
}

for bin in build-fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	corpus=build-fuzz/corpus/$name
	mkdir -p "$corpus"
	[ -d "fuzz/corpus/$name" ] && cp -f fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
	if [ -f "fuzz/$name.seeds" ]; then
		if [ -d "$data" ]; then
			nseed=0
			while read -r rel mode; do
				case "$rel" in '' | '#'*) continue ;; esac
				if ! [ -f "$data/$rel" ]; then
					echo "fuzz: $name: seed file $rel is absent from $data"
					status=1
					continue
				fi
				seed "$rel" "${mode:-cut}" "$corpus/seed-$(basename "$rel")${mode:+-$mode}"
				nseed=$((nseed + 1))
			done <"fuzz/$name.seeds"
			echo "fuzz: $name: $nseed seed files from $data"
		elif [ "${CI:-}" = true ]; then
			echo "fuzz: $name: shared data folder $data absent under CI"
			status=1
		else
			echo "SKIP: shared data absent, $name runs on its committed corpus only"
		fi
	fi
	ninputs=$(ls "$corpus" | wc -l)
	echo "fuzz: $name for ${SECONDS_EACH}s from $ninputs inputs"
	if ! "$bin" -max_total_time="$SECONDS_EACH" -max_len=70000 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=build-fuzz/crashes/"$name"- -print_final_stats=1 "$corpus" \
	    >build-fuzz/"$name".log 2>&1; then
		echo "fuzz: $name FAILED (see build-fuzz/$name.log):"
		tail -40 build-fuzz/"$name".log
		failed="$failed $name"
		status=1
	else
		log=build-fuzz/"$name".log
		init=$(grep -m1 'INITED' "$log" | grep -o 'cov: [0-9]* ft: [0-9]*')
		last=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'cov: [0-9]* ft: [0-9]*')
		new=$(sed -n '/INITED/,$p' "$log" | grep -cE '^#[0-9]+[[:space:]]+(NEW|REDUCE)')
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "fuzz: $name: $runs runs; corpus loaded: ${init:-?}; end: ${last:-?};" \
			"$new new inputs past the corpus"
	fi
done
# the failures again at the end, where a log cut to its tail still shows them
for name in $failed; do
	echo "fuzz: $name FAILED; its report:"
	grep -E '^(==[0-9]+==|SUMMARY|ALARM|.*runtime error|.*Test unit written|.*out-of-memory|.*deadly signal)' \
		build-fuzz/"$name".log | head -12
done
[ -z "$failed" ] || echo "fuzz: failed:$failed"
exit $status
