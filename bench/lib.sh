# Shared helpers for bench scripts (sourced).
# median_of CMD...: run CMD (a shell string) RUNS times (default 5), print the median wall
# time in seconds. Output of the command is discarded.
RUNS=${RUNS:-5}
median_of() {
	i=0
	: >"$BENCH_OUT/.times"
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s.%N)
		sh -c "$1" >/dev/null 2>&1
		e=$(date +%s.%N)
		echo "$e - $s" | bc -l >>"$BENCH_OUT/.times"
		i=$((i + 1))
	done
	sort -g "$BENCH_OUT/.times" | awk '{a[NR]=$1} END {printf "%.3f\n", a[int((NR+1)/2)]}'
}
# ratio A B: A / B with two decimals.
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else print "n/a" }'; }
# peak_rss_mb CMD: peak resident set of CMD in MiB (GNU time).
peak_rss_mb() {
	/usr/bin/time -f "%M" sh -c "$1 >/dev/null 2>&1" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1 / 1024}'
}
