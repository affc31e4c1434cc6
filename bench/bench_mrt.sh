#!/bin/sh
# bench_mrt.sh — MRT reader benchmarks (issue 2), run by `make bench` (bench/run.sh).
#
# Part 1, the real RouteViews jinx RIB (503,590 routes, bzip2): medians over $RUNS runs after
# one warm-up (hyperfine, or median_of from lib.sh when hyperfine is missing) of
#   routemark dump            vs  bgpdump -m          target: dump >= 4x faster
#   routemark stat            vs  bzcat               target: stat <= 1.3x bzcat
#   routemark dump --format jsonl                     (no reference; for the record)
# and routemark's peak RSS (GNU time %M) on the same file.
#
# Part 2, full-table scale: a TABLE_DUMP_V2 RIB of $FULL_PREFIXES prefixes x $FULL_PEERS
# peers generated once from the jinx table by build/bench/bench_gen_rib (cached in bench/out,
# reproducible: same input, same bytes); routemark stat and dump times (medians over
# $FULL_RUNS runs), zcat (the decompression floor) and one bgpdump run on the same file (it
# also proves the file decodes: its line count must equal prefixes x peers), and routemark's
# peak RSS. Target: flat memory, under 64 MB.
#
# Nothing here fails on timing. Each part prints a SKIP line when data, the binary or a tool
# is missing. Total time on a 2-core machine: about 4 minutes (5 the first time), of which
# ~2.5 are bgpdump on the generated file (set BENCH_MRT_BGPDUMP_FULL=0 to leave it out).
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
BENCH_OUT=${BENCH_OUT:-$top/bench/out}
mkdir -p "$BENCH_OUT"
. bench/lib.sh

DATA=${ROUTEMARK_DATA:-$top/../shared/data}
RM=${ROUTEMARK_BIN:-$top/build/routemark}
GEN=${BENCH_BUILD:-$top/build}/bench/bench_gen_rib
JINX=$DATA/mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2
RUNS=${RUNS:-5}
FULL_RUNS=${FULL_RUNS:-5}
FULL_PREFIXES=${FULL_PREFIXES:-1000000}
FULL_PEERS=${FULL_PEERS:-20}
FULL_TIMEOUT=${FULL_TIMEOUT:-300}
GNUTIME=/usr/bin/time

have() { command -v "$1" >/dev/null 2>&1; }

if [ ! -r "$JINX" ]; then
	echo "SKIP: bench_mrt: shared data file $JINX is absent"
	exit 0
fi
if [ ! -x "$RM" ]; then
	echo "SKIP: bench_mrt: $RM is not built (make build/routemark)"
	exit 0
fi
for c in dump stat; do
	if ! "$RM" "$c" --help >/dev/null 2>&1; then
		echo "SKIP: bench_mrt: '$RM $c --help' fails: the $c command is not there yet"
		exit 0
	fi
done
have bgpdump || echo "SKIP: bench_mrt: bgpdump is not installed: no dump comparison"
[ -x "$GNUTIME" ] || echo "SKIP: bench_mrt: GNU time ($GNUTIME) missing: no peak RSS"

# run_timed CMD: run CMD once under GNU time; prints "seconds peak_kib exit_status". The
# command's stdout and stderr go to /dev/null unless CMD redirects them itself.
run_timed() {
	if [ -x "$GNUTIME" ]; then
		"$GNUTIME" -o "$BENCH_OUT/.mrt.gnutime" -f "%e %M %x" sh -c "$1" >/dev/null 2>&1
		tail -1 "$BENCH_OUT/.mrt.gnutime"
	else
		s=$(date +%s.%N)
		sh -c "$1" >/dev/null 2>&1
		rc=$?
		e=$(date +%s.%N)
		echo "$(echo "$e - $s" | bc -l) 0 $rc"
	fi
}

# timed_runs N CMD: N runs; prints "median_seconds max_peak_MiB failures".
timed_runs() {
	: >"$BENCH_OUT/.mrt.runs"
	i=0
	while [ $i -lt "$1" ]; do
		run_timed "$2" >>"$BENCH_OUT/.mrt.runs"
		i=$((i + 1))
	done
	sort -g "$BENCH_OUT/.mrt.runs" | awk '{ t[NR] = $1; if ($2 > m) m = $2; if ($3 != 0) f++ }
	    END { printf "%.3f %.1f %d\n", t[int((NR + 1) / 2)], m / 1024, f }'
}

# hyperfine_medians NAME=CMD...: medians over $RUNS runs after one warm-up, one
# "name median" line each (median_of from lib.sh when hyperfine is missing).
hyperfine_medians() {
	if have hyperfine; then
		n=$#
		for nc in "$@"; do
			set -- "$@" -n "${nc%%=*}" "${nc#*=}"
		done
		shift "$n"
		hyperfine --style none --ignore-failure --warmup 1 --runs "$RUNS" \
		    --export-json "$BENCH_OUT/mrt_jinx.json" "$@" >/dev/null 2>&1
		awk -F'"' '/"command":/ { c = $4 } /"median":/ { gsub(/[^0-9.e-]/, "", $3);
		    printf "%s %.3f\n", c, $3 }' "$BENCH_OUT/mrt_jinx.json"
	else
		for nc in "$@"; do
			sh -c "${nc#*=}" >/dev/null 2>&1 # warm-up
			echo "${nc%%=*} $(median_of "${nc#*=}")"
		done
	fi
}

# The machine's load, printed with each part: other work on a small machine skews the times
# (the ratios less, since both sides of each ratio run under the same load).
load() { echo "  load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null), $(nproc 2>/dev/null) CPUs"; }

pick() { awk -v k="$1" '$1 == k { print $2 }' "$BENCH_OUT/.mrt.medians"; }

echo "-- part 1: real RouteViews RIB $(basename "$JINX"), medians of $RUNS runs (1 warm-up)"
set -- "dump=$RM dump $JINX > /dev/null" \
    "dump_jsonl=$RM dump --format jsonl $JINX > /dev/null" \
    "stat=$RM stat $JINX > /dev/null" \
    "bzcat=bzcat $JINX > /dev/null"
have bgpdump && set -- "$@" "bgpdump=bgpdump -m $JINX > /dev/null"
load
hyperfine_medians "$@" >"$BENCH_OUT/.mrt.medians"
d=$(pick dump) j=$(pick dump_jsonl) s=$(pick stat) z=$(pick bzcat) b=$(pick bgpdump)
printf '  %-36s %8s s\n' "routemark dump (bgpdump format)" "$d" \
    "routemark dump --format jsonl" "$j" "routemark stat" "$s" "bzcat > /dev/null" "$z"
if [ -n "$b" ]; then
	printf '  %-36s %8s s\n' "bgpdump -m" "$b"
	echo "  dump speed-up over bgpdump -m:      $(ratio "$b" "$d")x   (target >= 4x)"
fi
echo "  stat / bzcat:                       $(ratio "$s" "$z")x   (target <= 1.3x)"
rl=$("$RM" dump "$JINX" 2>/dev/null | wc -l)
"$RM" stat "$JINX" >/dev/null 2>&1
echo "  routemark dump lines: $rl (the file holds 503590 routes); stat exit status $?"
if [ -x "$GNUTIME" ]; then
	drss1=$(run_timed "$RM dump $JINX" | awk '{ printf "%.1f", $2 / 1024 }')
	srss1=$(run_timed "$RM stat $JINX" | awk '{ printf "%.1f", $2 / 1024 }')
	echo "  peak RSS: dump $drss1 MiB, stat $srss1 MiB"
fi

echo "-- part 2: full-table scale, $FULL_PREFIXES prefixes x $FULL_PEERS peers (generated)"
if [ ! -x "$GEN" ]; then
	echo "SKIP: bench_mrt: $GEN is not built (make $GEN)"
	exit 0
fi
FULL=$BENCH_OUT/rib.full.${FULL_PREFIXES}x${FULL_PEERS}.mrt.gz
STAMP=$FULL.ok
if [ ! -s "$FULL" ] || [ ! -s "$STAMP" ]; then
	if ! have bgpdump; then
		echo "SKIP: bench_mrt: bgpdump is needed to read the template table"
		exit 0
	fi
	TEMPLATE=$BENCH_OUT/jinx.bgpdump-m.txt
	if [ ! -s "$TEMPLATE" ]; then
		bgpdump -m "$JINX" >"$TEMPLATE.tmp" 2>/dev/null && mv "$TEMPLATE.tmp" "$TEMPLATE"
	fi
	echo "  generating $FULL (once; cached)"
	if "$GEN" -n "$FULL_PREFIXES" -p "$FULL_PEERS" -z gzip -o "$FULL.tmp" "$TEMPLATE" \
	    2>"$BENCH_OUT/.mrt.gen.log"; then
		mv "$FULL.tmp" "$FULL"
		cat "$BENCH_OUT/.mrt.gen.log" >"$STAMP"
	else
		cat "$BENCH_OUT/.mrt.gen.log"
		echo "SKIP: bench_mrt: generation failed"
		rm -f "$FULL.tmp"
		exit 0
	fi
fi
sed 's/^bench_gen_rib: /  /' "$STAMP"
load
entries=$((FULL_PREFIXES * FULL_PEERS))
echo "  file: $(du -m "$FULL" | cut -f1) MB gzip; medians of $FULL_RUNS runs, peak RSS the max over them"
set -- $(timed_runs 3 "zcat $FULL > /dev/null")
zt=$1
[ "$3" -gt 0 ] && echo "  warning: zcat failed on $FULL"
set -- $(timed_runs "$FULL_RUNS" "timeout $FULL_TIMEOUT $RM stat $FULL > /dev/null")
st=$1 srss=$2 sf=$3
set -- $(timed_runs "$FULL_RUNS" "timeout $FULL_TIMEOUT $RM dump $FULL > /dev/null")
dt=$1 drss=$2 df=$3
printf '  %-36s %8s s\n' "zcat > /dev/null (floor, 3 runs)" "$zt"
printf '  %-36s %8s s   peak RSS %6s MiB%s\n' "routemark stat" "$st" "$srss" \
    "$([ "$sf" -gt 0 ] && echo "   ($sf runs failed or timed out)")"
printf '  %-36s %8s s   peak RSS %6s MiB%s\n' "routemark dump" "$dt" "$drss" \
    "$([ "$df" -gt 0 ] && echo "   ($df runs failed or timed out)")"
echo "  stat / zcat:                        $(ratio "$st" "$zt")x"
if have bgpdump && [ "${BENCH_MRT_BGPDUMP_FULL:-1}" != 0 ]; then
	# One run (about 2.5 minutes). Its output is counted (the generator's check: bgpdump
	# must decode every entry) and hashed (routemark dump must print the same bytes) through
	# a pipe, which costs bgpdump nothing measurable next to writing to /dev/null.
	fifo=$BENCH_OUT/.mrt.fifo
	rm -f "$fifo" && mkfifo "$fifo"
	wc -l <"$fifo" >"$BENCH_OUT/.mrt.bgpdump.lines" &
	"$GNUTIME" -o "$BENCH_OUT/.mrt.gnutime" -f "%e %M %x" sh -c \
	    "bgpdump -m $FULL 2>/dev/null | tee $fifo | md5sum > $BENCH_OUT/.mrt.bgpdump.md5"
	wait
	rm -f "$fifo"
	bt=$(awk '{ print $1 }' "$BENCH_OUT/.mrt.gnutime")
	bl=$(cat "$BENCH_OUT/.mrt.bgpdump.lines")
	rsum=$("$RM" dump "$FULL" 2>/dev/null | md5sum)
	same=NO
	[ "$rsum" = "$(cat "$BENCH_OUT/.mrt.bgpdump.md5")" ] && same=yes
	printf '  %-36s %8s s   (1 run)\n' "bgpdump -m" "$bt"
	echo "  bgpdump decoded $bl lines of $entries entries$([ "$bl" -eq "$entries" ] && echo ": all")"
	echo "  routemark dump output identical to bgpdump -m's: $same"
	echo "  dump speed-up over bgpdump -m:      $(ratio "$bt" "$dt")x"
fi
# Flat: the peak should not follow the file. Part 1's file has 40x fewer entries and half
# the prefixes; print both so the growth (if any) is visible.
echo "  peak RSS, real RIB -> generated RIB: dump ${drss1:-?} -> $drss MiB," \
    "stat ${srss1:-?} -> $srss MiB"
echo "  memory target (peak RSS under 64 MiB):" \
    "$(echo "$srss $drss" | awk '{ print ($1 < 64 && $2 < 64) ? "met" : "NOT met" }')"
