#!/bin/sh
# Several routing files in one analysis (issue 15): four real MRT files (the 2014 RouteViews
# RIB, two RIS bviews of 2000 and 2002, a 2015 update file; 762,483 routes) with VRPs and
# relationships, read on one thread (--threads 1) and by reader threads (--threads 2, 3), against
# the floor of decompressing the four files at once (bzcat/zcat in parallel). Medians of RUNS,
# each pair in turn; prints the ratios. The snapshot is the same whatever the thread count
# (tests/test_batch.c); on a machine of 2 cores the engine's own thread and the decompression
# of the file being judged already take both, so reader threads pay for themselves only with
# more cores (the default is the CPUs less one, so 1 here).
. bench/lib.sh
D=$ROUTEMARK_DATA
M=$D/mrt
FILES="$M/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2 $M/bgpkit__rrc00-bview.20000111.0032.gz $M/bgpdump__bview.20020722.2337.gz $M/bgpdump__updates.et-header.2015.gz"
for f in $FILES; do [ -f "$f" ] || { echo "SKIP: $f absent"; exit 0; }; done
[ -x "$ROUTEMARK_BIN" ] || { echo "SKIP: $ROUTEMARK_BIN not built"; exit 0; }
DB=$BENCH_OUT/multifile.db
REFS="--vrps $D/rpki/vrps_2017-06-01_from_compress_roas.csv --asrel $D/caida/20140101.as-rel.txt.bz2"
DECOMP="for f in $FILES; do case \$f in *.bz2) bzcat \$f;; *) zcat \$f;; esac >/dev/null & done; wait"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
floor=""
for t in 1 2 3; do
	CMD="rm -f $DB $DB-wal $DB-shm; $ROUTEMARK_BIN analyze --no-progress --threads $t --db $DB $REFS $FILES"
	set -- $(median_pair "$CMD" "$DECOMP")
	echo "analyze 4 files, --threads $t (median of $RUNS): ${1} s; decompressing them at once ${2} s;" \
	     "ratio $(ratio "$1" "$2") (target <= 1.15); peak RSS $(peak_rss_mb "$CMD") MiB"
done
rm -f "$DB" "$DB-wal" "$DB-shm"
