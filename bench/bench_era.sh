#!/bin/sh
# The same-era bundle of 2024-01-01 (issue 17): the RouteViews prefix-to-origin table, the
# 2023-11-07 VRP+ASPA set and the route objects of 16 IRRs, analyzed into a fresh store,
# against the floor of decompressing those three inputs (zcat, one after the other). analyze
# and zcat run in turn (A B A B ...), medians of RUNS. Target (issue 17): within 4x. Then the
# stage times of one verbose run and the peak RSS.
. bench/lib.sh
D=$ROUTEMARK_DATA
T=$D/routing/caida_routeviews-rv2-20240101-1200.pfx2as.gz
V=$D/rpki/rpki_2023-11-07_derived_roas_aspas.json.gz
I=$D/irr/irr_2024-01-01_16-irrs_route.db.gz
for f in "$T" "$V" "$I"; do [ -f "$f" ] || { echo "SKIP: $f absent"; exit 0; }; done
[ -x "$ROUTEMARK_BIN" ] || { echo "SKIP: $ROUTEMARK_BIN not built"; exit 0; }
DB=$BENCH_OUT/era.db
ARGS="--no-progress --db $DB --vrps $V --irr $I $T"
CMD="rm -f $DB $DB-wal $DB-shm; $ROUTEMARK_BIN analyze $ARGS"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
set -- $(median_pair "$CMD" "zcat $T $V $I")
an=$1 floor=$2
rss=$(peak_rss_mb "$CMD")
echo "analyze the 2024-01-01 bundle (993,468 routes; median of $RUNS): ${an} s;" \
     "zcat of its inputs ${floor} s; ratio $(ratio "$an" "$floor") (target <= 4); peak RSS ${rss} MiB"
# routemark inflates gzip with ISA-L (igzip): the same decoder's own floor, for the record
if command -v igzip >/dev/null 2>&1; then
	set -- $(median_pair "$CMD" "igzip -dc $T $V $I")
	echo "  the same against igzip -dc of its inputs (the decoder routemark uses): $1 s vs $2 s;" \
	     "ratio $(ratio "$1" "$2")"
fi
rm -f "$DB" "$DB-wal" "$DB-shm"
"$ROUTEMARK_BIN" -v analyze $ARGS 2>&1 >/dev/null | grep -E " at [0-9.]+ s|loaded" | sed 's/^/  /'
rm -f "$DB" "$DB-wal" "$DB-shm"
