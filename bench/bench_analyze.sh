#!/bin/sh
# routemark analyze end to end on the RouteViews jinx RIB (503,590 routes) with all the
# reference data of the shared folder (2017 VRPs, 2014 CAIDA relationships, RIPE route
# objects, Team Cymru bogons, AS names), against the floor of decompressing the RIB (bzcat).
# Each run writes a fresh store, so store writes are included. Prints medians, the ratio and
# routemark's peak RSS. Target (issue): within 2x bzcat.
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
an=$(median_of "$CMD")
floor=$(median_of "bzcat $RIB")
rss=$(peak_rss_mb "$CMD")
echo "analyze jinx RIB with all reference data (median of $RUNS): ${an} s;" \
     "bzcat alone ${floor} s; ratio $(ratio "$an" "$floor") (target <= 2); peak RSS ${rss} MiB"
# where the time goes, from one verbose run
rm -f "$DB" "$DB-wal" "$DB-shm"
"$ROUTEMARK_BIN" -v analyze $ARGS 2>&1 >/dev/null | grep -E " at [0-9.]+ s" | sed 's/^/  /'
rm -f "$DB" "$DB-wal" "$DB-shm"
