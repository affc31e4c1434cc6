#!/bin/sh
# CI: `make install` into a temporary DESTDIR (default PREFIX=/usr/local) must put the binary,
# every man page and every profile in place, and `make uninstall` must remove them again; then
# an install with PREFIX set to a temporary folder (own build folder, so that the program is
# compiled to look there) must let the installed program, run from /, load a profile from
# PREFIX/share/routemark/profiles.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tmp=$(mktemp -d /tmp/routemark-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install: $*"; exit 1; }

make -s install DESTDIR="$tmp/dest" >/dev/null
root=$tmp/dest/usr/local
[ -x "$root/bin/routemark" ] || fail "no $root/bin/routemark"
for m in docs/*.1; do
	[ -f "$root/share/man/man1/$(basename "$m")" ] || fail "man page $(basename "$m") not installed"
done
for p in profiles/*.json; do
	cmp -s "$p" "$root/share/routemark/profiles/$(basename "$p")" ||
		fail "profile $(basename "$p") not installed"
done
"$root/bin/routemark" --help >/dev/null || fail "installed routemark --help failed"
"$root/bin/routemark" conform --help >/dev/null || fail "installed conform --help failed"
echo "install: DESTDIR=$tmp/dest PREFIX=/usr/local: $(find "$tmp/dest" -type f | wc -l) files: ok"
make -s uninstall DESTDIR="$tmp/dest" >/dev/null
left=$(find "$tmp/dest" -type f)
[ -z "$left" ] || fail "uninstall left: $left"
echo "install: uninstall removed everything: ok"

# the objects of build/ reused: only profile.o (which holds the data folder) is rebuilt
rm -rf build-install
[ -d build ] && cp -a build build-install
make -s install PREFIX="$tmp/prefix" BUILD=build-install >/dev/null
(cd / && "$tmp/prefix/bin/routemark" conform --list-profiles) >"$tmp/list" 2>&1 || true
grep -q manrs-netops "$tmp/list" || { cat "$tmp/list"; fail "installed program lists no profiles"; }
(cd / && "$tmp/prefix/bin/routemark" conform --profile manrs-netops --db "$tmp/none.db" 64500) \
	>"$tmp/out" 2>&1 || true
if grep -q "no profile named" "$tmp/out" || ! grep -q database "$tmp/out"; then
	cat "$tmp/out"
	fail "installed program does not load its profile from $tmp/prefix/share/routemark/profiles"
fi
echo "install: PREFIX=$tmp/prefix: the installed program loads manrs-netops from" \
	"PREFIX/share/routemark/profiles: ok"
rm -rf build-install
