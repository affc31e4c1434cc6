#!/bin/sh
# Install the Debian packages routemark builds, tests and benchmarks with. Idempotent: does
# nothing when everything is present. Needs root (or sudo) only when something is missing.
# llvm-14 (llvm-profdata, llvm-cov) for `make fuzz-cov`; debhelper, lintian and man-db for the
# Debian package check (scripts/ci-deb.sh); binutils (readelf) for scripts/check-hardening.sh; curl for bench/bench_serve.sh.
# python3-jwcrypto: an independent JWS/EdDSA implementation the tests check signed reports with;
# openssl: the command the tests (and the docs) make Ed25519 signing keys with.
# frr, exabgp, python3-exabgp: the live lab test (tests/test_live_lab.c: ExaBGP feeds FRR's
# bgpd, which exports BMP to the monitor); their daemons must not start on install (below).
# tshark: the independent BMP decoder tests/test_bmp_tshark.c checks the monitor's state against;
# pmacct: pmbmpd, the BMP collector bench/bench_pmbmpd.sh measures ingest against (not started).
# gobgpd (gobgpd and the gobgp CLI): the GoBGP pair test (tests/test_gobgp_lab.c, in a network
# namespace: iproute2's `ip netns`); its service must not start on install either.
# libnats-dev, nats-server, librdkafka-dev: the bus (src/bus; tests/test_bus.c starts nats-server
# itself and uses librdkafka's mock cluster); nats-server's daemon must not start either.
# libpq-dev, postgresql: the PostgreSQL store backend (src/store/db_pg.c); tests/test_store_pg.c
# starts a private server itself (initdb, pg_ctl from /usr/lib/postgresql/*/bin), not the service.
PKGS="build-essential clang pkg-config zlib1g-dev libisal-dev isal libbz2-dev liblzma-dev libzstd-dev
      librtr-dev libjson-c-dev libsqlite3-dev libpq-dev libcmocka-dev libcurl4-openssl-dev libssl-dev libmicrohttpd-dev libyaml-dev libclang-rt-14-dev
      clang-format bgpdump stayrtr bgpq4 bzip2 xz-utils zstd time bc hyperfine chromium wrk
      llvm-14 debhelper lintian man-db binutils curl python3-jwcrypto openssl tshark pmacct
      frr exabgp python3-exabgp gobgpd iproute2 libnats-dev nats-server librdkafka-dev postgresql"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# No daemon starts on install (frr, exabgp, gobgpd, nats-server): a policy-rc.d refusing every start while
# installing, unless the machine has one already.
prc=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	prc=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee $prc >/dev/null && $SUDO chmod 755 $prc
fi
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
rc=$?
[ -n "$prc" ] && $SUDO rm -f "$prc"
exit $rc
