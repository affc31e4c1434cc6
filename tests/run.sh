#!/bin/sh
# Run every test binary in BUILD/tests (or only the tests named after BUILD) with the shared data
# folder, then print one closing line "N passed, N failed, N skipped" over all of them (cmocka's
# per-binary counts summed).
#
# Skips: a test that cannot run (data file, tool or store absent) prints a "SKIP: ..." line and
# cmocka counts it as skipped. Under CI (CI=true) or whenever the shared data folder exists, a
# skip is a failure: every skipped test and every SKIP line is listed and the run exits 1. Outside
# CI without ../shared/data the data tests skip visibly and the run passes.
BUILD=${1:-build}
[ $# -gt 0 ] && shift
only="$*"
top=$(cd "$(dirname "$0")/.." && pwd)
export ROUTEMARK_DATA=${ROUTEMARK_DATA:-$(cd "$top/../shared/data" 2>/dev/null && pwd)}
export ROUTEMARK_BIN="$top/$BUILD/routemark"
export ROUTEMARK_TOP="$top"
strict=0
if [ "${CI:-}" = true ] || [ -d "$ROUTEMARK_DATA" ]; then strict=1; fi
[ -d "$ROUTEMARK_DATA" ] || echo "SKIP: shared data folder not found (tests needing it will skip)"
cd "$top" || exit 1
pass=0 fail=0 skipped=0 bad="" skiplines=""
nl='
'
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	if [ -n "$only" ]; then
		case " $only " in *" $(basename "$t") "*) ;; *) continue ;; esac
	fi
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	s=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -1)
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0})); skipped=$((skipped + ${s:-0}))
	if [ $rc -ne 0 ]; then
		bad="$bad $(basename "$t")"
		[ -z "$f" ] && fail=$((fail + 1))
	fi
	# SKIP lines, including those of a test that skipped only part of its work
	sl=$(printf '%s\n' "$out" | grep '^SKIP:' | sed "s|^|  $(basename "$t"): |")
	[ -n "$sl" ] && skiplines="$skiplines$sl$nl"
done
echo
[ -n "$bad" ] && echo "failing test binaries:$bad"
status=0
[ -z "$bad" ] || status=1
if [ "$skipped" -gt 0 ] || [ -n "$skiplines" ]; then
	if [ $strict -eq 1 ]; then
		echo "skipped tests are failures here (CI=${CI:-unset}, shared data ${ROUTEMARK_DATA:-absent}):"
		status=1
	else
		echo "skipped (allowed: not CI and no shared data folder):"
	fi
	printf '%s' "$skiplines"
fi
echo "$pass passed, $fail failed, $skipped skipped"
exit $status
