#!/bin/sh
# Run the named tests of a ThreadSanitizer build (BUILD, the tests after it) with every process
# (test binaries and the routemark they start) writing its TSan reports to BUILD/tsan-logs/.
# Fails when a test fails or when any process reported anything. scripts/tsan.supp suppresses
# races inside third-party libraries only (never routemark's own code).
BUILD=${1:?usage: tsan-run.sh BUILD TEST...}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
logs=$top/$BUILD/tsan-logs
rm -rf "$logs"
mkdir -p "$logs"
export TSAN_OPTIONS="log_path=$logs/tsan exitcode=66 halt_on_error=0 second_deadlock_stack=1 \
suppressions=$top/scripts/tsan.supp ${TSAN_OPTIONS:-}"
sh "$top/tests/run.sh" "$BUILD" "$@"
status=$?
reports=$(ls "$logs" 2>/dev/null)
if [ -n "$reports" ]; then
	n=$(cat "$logs"/* | grep -c '^WARNING: ThreadSanitizer')
	echo "tsan: $n report(s) in $(echo "$reports" | wc -l) process(es):"
	cat "$logs"/*
	echo "tsan: FAILED ($n reports; logs in $BUILD/tsan-logs/)"
	exit 1
fi
[ $status -eq 0 ] && echo "tsan: no reports ($*)" || echo "tsan: tests failed"
exit $status
