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
# median_pair CMD_A CMD_B: run A and B in turn RUNS times each (A B A B ...), so that both
# see the same machine (these machines are noisy: a load change between two blocks of runs
# moves a ratio more than most optimisations do). Prints "median_A median_B".
median_pair() {
	i=0
	: >"$BENCH_OUT/.times_a"
	: >"$BENCH_OUT/.times_b"
	while [ $i -lt "$RUNS" ]; do
		for w in a b; do
			if [ $w = a ]; then c=$1; else c=$2; fi
			s=$(date +%s.%N)
			sh -c "$c" >/dev/null 2>&1
			e=$(date +%s.%N)
			echo "$e - $s" | bc -l >>"$BENCH_OUT/.times_$w"
		done
		i=$((i + 1))
	done
	for w in a b; do
		sort -g "$BENCH_OUT/.times_$w" | awk '{a[NR]=$1} END {printf "%.3f ", a[int((NR+1)/2)]}'
	done
	echo
}
# ratio A B: A / B with two decimals.
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else print "n/a" }'; }
# peak_rss_mb CMD: peak resident set of CMD in MiB (GNU time).
peak_rss_mb() {
	/usr/bin/time -f "%M" sh -c "$1 >/dev/null 2>&1" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1 / 1024}'
}
