#!/bin/sh
# The README's main job: `routemark run` fetches the current public data (or, when the network
# cannot be reached, takes the project's shared data folder as its mirror), analyzes it into
# build/routemark.db and prints the Internet-wide summary (offline: a history of snapshots in
# time order); then a ranking and one AS's scorecard as examples of what the store answers.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
rm_bin=$top/build/routemark
db=${ROUTEMARK_DB:-$top/build/routemark.db}
cd "$top" || exit 1
"$rm_bin" run --db "$db" --cache "$top/build/cache" || exit $?
echo
first_asn() {
	"$rm_bin" top --db "$db" --by "$1" --limit 1 --format json |
		sed -n 's/.*"asn": \([0-9]*\).*/\1/p' | head -1
}
# customer hijacks need AS paths: the newest snapshot of the offline history is a
# prefix-to-origin table, so rank by RPKI-invalid routes originated there
by=M2C
[ -n "$(first_asn M2C)" ] || by=M7RPKI
"$rm_bin" top --db "$db" --by "$by" --limit 10
echo
asn=$(first_asn "$by")
[ -n "$asn" ] && "$rm_bin" report --db "$db" "$asn" --findings 5 --fixes 10
echo
echo "more: $rm_bin report --db $db ASN   (--format json|html), $rm_bin prefix --db $db PREFIX"
