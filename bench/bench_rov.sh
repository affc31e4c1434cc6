#!/bin/sh
# ROV: index build time and validations/s, routemark vs RTRlib's pfx_table on the same
# generated 800,000-VRP set (shaped like the real 2017 set) and the same queries; medians of
# RUNS runs inside one process (bench_rov does its own timing). Then the CLI batch path on the
# real 2014 RouteViews table against the real 2017 VRPs.
. bench/lib.sh
real="$ROUTEMARK_DATA/rpki/vrps_2017-06-01_from_compress_roas.csv"
routes="$ROUTEMARK_DATA/misc/pyasn__ipasn_20140513.dat.gz"
if [ ! -f "$real" ]; then
	echo "SKIP: bench_rov: $real absent (the VRP mix is taken from it)"
	exit 0
fi
"$BENCH_BUILD/bench/bench_rov" "$real" 800000 2000000 "${RUNS:-5}" || exit 1
if [ -f "$routes" ] && [ -x "$ROUTEMARK_BIN" ]; then
	gzip -dc "$routes" | grep -v '^;' >"$BENCH_OUT/rov_routes.txt"
	n=$(wc -l <"$BENCH_OUT/rov_routes.txt")
	t=$(median_of "$ROUTEMARK_BIN validate --vrps $real --input $BENCH_OUT/rov_routes.txt")
	echo "cli: routemark validate --input, $n real routes (2014) vs 40,203 real VRPs (2017):" \
	    "median $t s (load + validate + print), $(echo "$n $t" | awk '{printf "%.2f", $1 / $2 / 1e6}') M lines/s"
fi
