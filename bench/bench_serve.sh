#!/bin/sh
# serve under load: wrk (2 threads, 32 connections) from a second process on loopback against
# a store built from the jinx RIB. For each path, ROUNDS rounds of DURATION seconds alternate
# with /api/v1/summary (the yardstick: the cheapest answer the server gives), so both see the
# same machine; prints median requests/s, median p99 and the ratio to summary, and the goals
# of issues 14 (conformance and badge: >= 3,000 req/s, p99 < 20 ms) and 15 (AS scorecard and
# page: at least half of summary's rate, p99 < 20 ms). The same paths are also measured once
# with the response cache off (--cache-size 0), to show what the cache does.
. bench/lib.sh
D=$ROUTEMARK_DATA
RM=$ROUTEMARK_BIN
DURATION=${DURATION:-3}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-32}
command -v wrk >/dev/null 2>&1 || { echo "SKIP: wrk is not installed (scripts/deps.sh)"; exit 0; }
[ -f "$D/mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2" ] ||
	{ echo "SKIP: shared data absent"; exit 0; }
dir=$BENCH_OUT/serve
mkdir -p "$dir"
db=$dir/serve.db
rm -f "$db" "$db-wal" "$db-shm" # a store of this build's schema, every time
"$RM" -q analyze --db "$db" --vrps "$D/rpki/vrps_2017-06-01_from_compress_roas.csv" \
    --asrel "$D/caida/20140101.as-rel.txt.bz2" --irr "$D/irr/rpkiirrstats__ripe-db-route.txt" \
    --asnames "$D/misc/asn_names_ASN_lookup.txt.gz" \
    "$D/mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2" >/dev/null ||
	{ echo "bench_serve: analyze failed"; exit 1; }
# serve refuses to run as root: drop to nobody, who must be able to read the store
asuser=""
if [ "$(id -u)" -eq 0 ]; then
	asuser="--user nobody"
	chmod 755 "$dir"
	chmod 644 "$db"
fi

start() { # port, extra options; sets pid
	"$RM" serve --db "$db" --listen "127.0.0.1:$1" --threads 2 $asuser $2 2>>"$dir/serve.log" &
	pid=$!
	i=0
	until curl -sf -o /dev/null "http://127.0.0.1:$1/api/v1"; do
		i=$((i + 1))
		[ $i -gt 50 ] && { echo "bench_serve: server did not start (see $dir/serve.log)"; kill "$pid"; exit 1; }
		sleep 0.1
	done
}
# one wrk run: prints "req/s p99_ms errors"
load() { # URL [HEADER]
	if [ -n "${2:-}" ]; then
		out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "$2" "$1" 2>&1)
	else
		out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$1" 2>&1)
	fi
	rps=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
	p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000}
		else if (v ~ /ms$/) sub(/ms$/, "", v); else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}
		printf "%.2f", v}')
	errs=$(printf '%s\n' "$out" | awk '/Non-2xx|Socket errors/ {n++} END {print n + 0}')
	echo "${rps:-0} ${p99:-0} $errs"
}
median() { sort -g | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'; }

port=$((20000 + $$ % 20000))
start "$port" ""
cached=$pid
port0=$((port + 1))
start "$port0" "--cache-size 0"
uncached=$pid
base=http://127.0.0.1:$port
echo "serve: wrk -t2 -c$CONNS, $ROUNDS rounds of ${DURATION}s per path alternating with /api/v1/summary"
printf '%-30s %10s %9s %10s %12s %9s  %s\n' path req/s p99-ms vs-summary uncached-r/s p99-ms goal
# "gz:PATH": the same with Accept-Encoding: gzip (what browsers and curl --compressed send),
# against summary with the same header
for spec in /api/v1/as/6939/conformance /badge/AS6939.svg /api/v1/as/6939 /as/6939 \
    gz:/api/v1/as/6939 gz:/as/6939; do
	path=${spec#gz:}
	hdr=""
	[ "$spec" != "$path" ] && hdr="Accept-Encoding: gzip"
	: >"$dir/.s" && : >"$dir/.p" && : >"$dir/.pp" && errs=0
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		set -- $(load "$base/api/v1/summary" "$hdr")
		echo "$1" >>"$dir/.s"
		set -- $(load "$base$path" "$hdr")
		echo "$1" >>"$dir/.p"
		echo "$2" >>"$dir/.pp"
		errs=$((errs + $3))
		r=$((r + 1))
	done
	s=$(median <"$dir/.s")
	p=$(median <"$dir/.p")
	pp=$(median <"$dir/.pp")
	set -- $(load "http://127.0.0.1:$port0$path" "$hdr")
	case $path in
	*conformance | /badge/*) goal=$(echo "$p $pp" | awk '{print ($1 >= 3000 && $2 < 20) ? "met (>= 3000/s, p99 < 20 ms)" : "NOT met (>= 3000/s, p99 < 20 ms)"}') ;;
	*) goal=$(echo "$p $s $pp" | awk '{print ($1 >= $2 / 2 && $3 < 20) ? "met (>= summary/2, p99 < 20 ms)" : "NOT met (>= summary/2, p99 < 20 ms)"}') ;;
	esac
	printf '%-30s %10s %9s %9sx %12s %9s  %s%s\n' "$spec" "$p" "$pp" "$(ratio "$p" "$s")" "$1" "$2" "$goal" \
	    "$([ "$errs" -gt 0 ] && echo " ($errs runs with errors)")"
done
kill -TERM "$cached" "$uncached"
wait "$cached"
echo "serve: stopped on SIGTERM with exit code $?"
wait "$uncached"
