#!/bin/sh
# serve under load: wrk from a second process on loopback against the AS scorecard endpoint
# and the overview page of a store built from the jinx RIB; prints requests/s, p99 latency
# and the error count of each. Bounded: DURATION seconds per URL (default 5).
. bench/lib.sh
D=$ROUTEMARK_DATA
RM=$ROUTEMARK_BIN
DURATION=${DURATION:-5}
command -v wrk >/dev/null 2>&1 || { echo "SKIP: wrk is not installed (scripts/deps.sh)"; exit 0; }
[ -f "$D/mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2" ] ||
	{ echo "SKIP: shared data absent"; exit 0; }
db=$BENCH_OUT/serve.db
rm -f "$db" "$db-wal" "$db-shm" # a store of this build's schema, every time
{
	"$RM" -q analyze --db "$db" --vrps "$D/rpki/vrps_2017-06-01_from_compress_roas.csv" \
	    --asrel "$D/caida/20140101.as-rel.txt.bz2" --irr "$D/irr/rpkiirrstats__ripe-db-route.txt" \
	    --asnames "$D/misc/asn_names_ASN_lookup.txt.gz" \
	    "$D/mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2" >/dev/null ||
		{ echo "bench_serve: analyze failed"; exit 1; }
}
port=$((20000 + $$ % 20000))
"$RM" serve --db "$db" --listen "127.0.0.1:$port" --threads 2 2>"$BENCH_OUT/serve.log" &
pid=$!
i=0
until curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1"; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "bench_serve: server did not start"; kill "$pid"; exit 1; }
	sleep 0.1
done
for path in /api/v1/as/6939 /; do
	out=$(wrk -t2 -c16 -d"${DURATION}s" --latency "http://127.0.0.1:$port$path" 2>&1)
	rps=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
	p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
	errs=$(printf '%s\n' "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
	printf 'serve %-18s %10s req/s   p99 %8s   errors: %s\n' "$path" "$rps" "$p99" "${errs:-none}"
done
kill -TERM "$pid"
wait "$pid"
echo "serve: stopped on SIGTERM with exit code $?"
