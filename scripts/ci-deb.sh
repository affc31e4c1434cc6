#!/bin/sh
# CI: build the Debian package from the tree (dpkg-buildpackage -us -uc -b, in a copy of the
# tree under a temporary folder so that nothing is left in or beside the checkout), check it with
# lintian (no errors or warnings; overrides only in debian/*.lintian-overrides with a reason),
# install it with dpkg -i, run the installed program (--help, metrics, a profile from
# /usr/share/routemark/profiles, man routemark), and remove it again. Needs root.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/routemark-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/routemark-0.9.0
mkdir -p "$src"
(cd "$top" && tar --exclude=./.git --exclude='./build*' --exclude=./bench/out -cf - .) |
	(cd "$src" && tar -xf -)
cd "$src"
echo "deb: dpkg-buildpackage -us -uc -b"
DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -us -uc -b \
	>"$tmp/build.log" 2>&1 || { tail -60 "$tmp/build.log"; echo "deb: build FAILED"; exit 1; }
deb=$(ls "$tmp"/routemark_0.9.0-1_*.deb)
changes=$(ls "$tmp"/routemark_0.9.0-1_*.changes)
echo "deb: built $(basename "$deb") ($(stat -c %s "$deb") bytes)"
dpkg-deb -c "$deb" | awk '{ print "  " $6 }' | grep -v '/$'

echo "deb: lintian"
lintian --fail-on error,warning --display-info "$changes" | tee "$tmp/lintian.log"
if grep -qE '^[EW]:' "$tmp/lintian.log"; then
	echo "deb: lintian reported errors or warnings"
	exit 1
fi
echo "deb: lintian clean (no errors or warnings)"

echo "deb: dpkg -i"
dpkg -i "$deb" >/dev/null
cleanup() { dpkg -r routemark >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
cd /
test "$(command -v routemark)" = /usr/bin/routemark
routemark --help >/dev/null
routemark --version
routemark metrics | grep -q '^| M1 |'
routemark conform --list-profiles | grep -q manrs-netops
# a profile loaded from /usr/share/routemark/profiles (no ./profiles here), on an empty store
routemark conform --profile manrs-netops --db "$tmp/empty.db" 64500 >"$tmp/conform.out" 2>&1 || true
if grep -q "no profile named" "$tmp/conform.out" || ! grep -q "database" "$tmp/conform.out"; then
	cat "$tmp/conform.out"
	echo "deb: the installed routemark does not find its profiles"
	exit 1
fi
man -P cat routemark 2>/dev/null | grep -q 'routing-security observatory'
sh "$top/scripts/check-hardening.sh" /usr/bin/routemark
dpkg -r routemark >/dev/null
! test -e /usr/bin/routemark
echo "deb: installed, ran (--help, metrics, profiles, man routemark) and removed: ok"
