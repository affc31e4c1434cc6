#!/bin/sh
# routemark analyze end to end on the RouteViews jinx RIB (503,590 routes) with all the
# reference data of the shared folder (2017 VRPs, 2014 CAIDA relationships, RIPE route
# objects, Team Cymru bogons, AS names), against the floor of decompressing the RIB (bzcat).
# Each run writes a fresh store, so store writes are included; analyze and bzcat run in turn
# (A B A B ...) so that both medians come from the same machine state. Prints medians, the
# ratio and routemark's peak RSS, then the stage times of one verbose run, into a fresh store
# and into one that already holds a snapshot of other inputs. Target (issue): within 2x bzcat.
. bench/lib.sh
D=$ROUTEMARK_DATA
RIB=$D/mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2
[ -f "$RIB" ] || { echo "SKIP: $RIB absent"; exit 0; }
[ -x "$ROUTEMARK_BIN" ] || { echo "SKIP: $ROUTEMARK_BIN not built"; exit 0; }
DB=$BENCH_OUT/analyze.db
ARGS="--no-progress --db $DB --vrps $D/rpki/vrps_2017-06-01_from_compress_roas.csv \
 --asrel $D/caida/20140101.as-rel.txt.bz2 --irr $D/irr/rpkiirrstats__ripe-db-route.txt \
 --irr $D/irr/rpkiirrstats__ripe-db-route6.txt \
 --bogons $D/bogons/cymru_fullbogons-ipv4_20240310.txt \
 --bogons $D/bogons/cymru_fullbogons-ipv6_20240310.txt.gz \
 --asnames $D/misc/asn_names_ASN_lookup.txt.gz $RIB"
CMD="rm -f $DB $DB-wal $DB-shm; $ROUTEMARK_BIN analyze $ARGS"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
set -- $(median_pair "$CMD" "bzcat $RIB")
an=$1 floor=$2
rss=$(peak_rss_mb "$CMD")
echo "analyze jinx RIB with all reference data (median of $RUNS): ${an} s;" \
     "bzcat alone ${floor} s; ratio $(ratio "$an" "$floor") (target <= 2); peak RSS ${rss} MiB"
# where the time goes, from one verbose run
rm -f "$DB" "$DB-wal" "$DB-shm"
"$ROUTEMARK_BIN" -v analyze $ARGS 2>&1 >/dev/null | grep -E " at [0-9.]+ s" | sed 's/^/  /'
rm -f "$DB" "$DB-wal" "$DB-shm"
# The same analysis added to a store that already holds a snapshot (of the jinx update file
# with the same reference data), as a store is used over time: the time analyze reports for
# itself, median of RUNS (the store is copied before each run, outside the timing).
UPD=$D/mrt/libbgpstream__routeviews.route-views.jinx.updates.1401493500.bz2
if [ -f "$UPD" ]; then
	TPL=$BENCH_OUT/analyze-template.db
	rm -f "$TPL" "$TPL-wal" "$TPL-shm"
	"$ROUTEMARK_BIN" analyze $(echo "$ARGS" | sed "s# $RIB# $UPD#; s#--db $DB#--db $TPL#") >/dev/null 2>&1
	i=0
	: >"$BENCH_OUT/.times"
	while [ $i -lt "$RUNS" ]; do
		rm -f "$DB" "$DB-wal" "$DB-shm"
		cp "$TPL" "$DB"
		"$ROUTEMARK_BIN" analyze $ARGS 2>/dev/null | awk '/ s$/ {print $(NF-1)}' >>"$BENCH_OUT/.times"
		i=$((i + 1))
	done
	app=$(sort -g "$BENCH_OUT/.times" | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}')
	echo "into a store holding another snapshot: ${app} s (as analyze reports it, median of $RUNS)"
	rm -f "$DB" "$DB-wal" "$DB-shm" "$TPL" "$TPL-wal" "$TPL-shm"
fi
