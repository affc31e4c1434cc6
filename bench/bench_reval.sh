#!/bin/sh
# RTR re-validation (issue 13): engine_revalidate over a route state of REVAL_ROUTES routes
# (default 1,000,000: the real prefixes of the 2024-01-01 RouteViews prefix-to-AS table,
# spread over REVAL_PEERS peers, default 10 and 2) for a 10,000-VRP change of the real
# 2023-11-07 VRP set and an ASPA change; median of RUNS runs; bytes a route of the route state.
. bench/lib.sh
pfx="$ROUTEMARK_DATA/routing/caida_routeviews-rv2-20240101-1200.pfx2as.gz"
vrps="$ROUTEMARK_DATA/rpki/rpki_2023-11-07_derived_roas_aspas.json.gz"
if [ ! -f "$pfx" ] || [ ! -f "$vrps" ]; then
	echo "SKIP: bench_reval: $pfx or $vrps is absent"
	exit 0
fi
for p in ${REVAL_PEERS:-10 2}; do
	"$BENCH_BUILD/bench/bench_reval" --runs "$RUNS" --routes "${REVAL_ROUTES:-1000000}" \
	    --peers "$p" "$pfx" "$vrps"
done
