#!/bin/sh
# IRR: load time and peak memory of an RPSL dump at RADB scale (1.5M route objects,
# generated from the shapes of the real RIPE/RADB objects into bench/out/), medians of
# RUNS runs; the rate of route checks; reading the file (cat) as the I/O floor. Then the
# real 16-IRR bundle against zcat of it.
. bench/lib.sh
RUNS=${RUNS:-3}
B=$BENCH_BUILD/bench/bench_irr
N=${IRR_BENCH_ROUTES:-1500000}
F=$BENCH_OUT/radb-scale-$N.db
[ -x "$B" ] || { echo "bench_irr: $B not built"; exit 1; }
if [ ! -s "$F" ]; then
	echo "generating $F ($N route objects)"
	"$B" gen "$F" "$N" || exit 1
fi
echo "dump: $(du -m "$F" | cut -f1) MiB, $(grep -c '^route' "$F") route/route6 objects"
"$B" load "$F"
t_load=$(median_of "$B load $F")
t_cat=$(median_of "cat $F")
rss=$(peak_rss_mb "$B load $F")
echo "irr load+500k checks: median ${t_load}s (RUNS=$RUNS), peak RSS ${rss} MiB"
echo "cat (I/O floor): median ${t_cat}s; ratio load/cat $(ratio "$t_load" "$t_cat")"
if [ -x "$ROUTEMARK_BIN" ]; then
	t_cli=$(median_of "$ROUTEMARK_BIN irr check 193.0.0.0/21 AS3333 --irr $F")
	echo "routemark irr check (load + one check): median ${t_cli}s, peak RSS $(peak_rss_mb "$ROUTEMARK_BIN irr check 193.0.0.0/21 AS3333 --irr $F") MiB"
fi
# The real IRR bundle (issue 15): the route objects of 16 IRRs of 2024-01-01 (854,088
# objects, gzip) loaded by `routemark irr check` in turn with zcat of the same file, medians
# of RUNS pairs. Target: within 1.5x.
I=$ROUTEMARK_DATA/irr/irr_2024-01-01_16-irrs_route.db.gz
if [ -x "$ROUTEMARK_BIN" ] && [ -f "$I" ]; then
	set -- $(median_pair "$ROUTEMARK_BIN irr check 193.0.0.0/21 AS3333 --irr $I" "zcat $I")
	echo "16 IRRs of 2024-01-01 (854,088 route objects): load ${1}s, zcat ${2}s;" \
	     "ratio $(ratio "$1" "$2") (target <= 1.5); peak RSS" \
	     "$(peak_rss_mb "$ROUTEMARK_BIN irr check 193.0.0.0/21 AS3333 --irr $I") MiB"
else
	echo "SKIP: $I or $ROUTEMARK_BIN absent"
fi
