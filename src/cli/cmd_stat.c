/*
 * routemark stat: per file, records by type/subtype, routes, distinct prefixes (IPv4/IPv6),
 * distinct peers, time span and malformed records skipped. Attributes are not decoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/core.h"
#include "mrt/mrt.h"

/* A set of non-zero 64-bit keys (open addressing). */
struct u64set {
	uint64_t *slot;
	size_t cap, count;
};

static void set_add(struct u64set *s, uint64_t k)
{
	if (s->count * 2 >= s->cap) {
		struct u64set n = {
		    xcalloc(s->cap ? s->cap * 2 : 1024, 8), s->cap ? s->cap * 2 : 1024, 0};
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				set_add(&n, s->slot[i]);
		free(s->slot);
		*s = n;
	}
	size_t m = s->cap - 1, i = (size_t)((k * 0x9E3779B97F4A7C15ull) >> 20) & m;
	while (s->slot[i]) {
		if (s->slot[i] == k)
			return;
		i = (i + 1) & m;
	}
	s->slot[i] = k;
	s->count++;
}

/* IPv4 prefixes are keyed exactly; IPv6 ones by a 63-bit hash (collisions negligible). */
static uint64_t prefix_key(const struct prefix *p)
{
	if (p->afi == AFI_IPV4)
		return 1ull << 63 | (uint64_t)p->addr[0] << 32 | (uint64_t)p->addr[1] << 24 |
		       (uint64_t)p->addr[2] << 16 | (uint64_t)p->addr[3] << 8 | p->len;
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < 16; i++)
		h = (h ^ p->addr[i]) * 1099511628211ull;
	h = (h ^ p->len) * 1099511628211ull;
	return (h & ~(1ull << 63)) | 1;
}

static uint64_t peer_key(const struct mrt_peer *p)
{
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < 16; i++)
		h = (h ^ p->addr[i]) * 1099511628211ull;
	h = (h ^ p->afi) * 1099511628211ull;
	h = (h ^ p->asn) * 1099511628211ull;
	return h | 1;
}

struct file_stat {
	struct u64set pfx, peers;
	uint64_t v4, v6;
};

static void fmt_time(uint32_t t, char *buf, size_t n)
{
	time_t tt = t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void print_text(const char *path, const struct mrt_stats *st, const struct file_stat *fs)
{
	printf("%s\n", path);
	printf("  records: %llu (%llu bytes decompressed)\n", (unsigned long long)st->records,
	    (unsigned long long)st->bytes);
	for (int t = 0; t < MRT_STAT_TYPES; t++)
		for (int s = 0; s < MRT_STAT_SUBTYPES; s++)
			if (st->by_type[t][s])
				printf("    %s/%s (%d/%d): %llu\n", mrt_type_name((uint16_t)t),
				    mrt_subtype_name((uint16_t)t, (uint16_t)s), t, s,
				    (unsigned long long)st->by_type[t][s]);
	if (st->other_records)
		printf("    other: %llu\n", (unsigned long long)st->other_records);
	printf("  routes: %llu (rib %llu, announce %llu, withdraw %llu), state changes: %llu\n",
	    (unsigned long long)(st->routes[1] + st->routes[2] + st->routes[3]),
	    (unsigned long long)st->routes[1], (unsigned long long)st->routes[2],
	    (unsigned long long)st->routes[3], (unsigned long long)st->routes[4]);
	printf("  prefixes: %llu (IPv4 %llu, IPv6 %llu)\n", (unsigned long long)(fs->v4 + fs->v6),
	    (unsigned long long)fs->v4, (unsigned long long)fs->v6);
	printf("  peers: %zu\n", fs->peers.count);
	char a[32] = "-", b[32] = "-";
	if (st->records) {
		fmt_time(st->first_ts, a, sizeof(a));
		fmt_time(st->last_ts, b, sizeof(b));
	}
	printf("  time: %s .. %s (%u .. %u)\n", a, b, st->first_ts, st->last_ts);
	uint64_t bad = 0;
	for (int k = 0; k < MRT_BAD_KINDS; k++)
		bad += st->malformed[k];
	printf(
	    "  malformed: %llu%s\n", (unsigned long long)bad, st->truncated ? " (truncated)" : "");
	for (int k = 0; k < MRT_BAD_KINDS; k++)
		if (st->malformed[k])
			printf("    %s: %llu\n", mrt_malformed_name(k),
			    (unsigned long long)st->malformed[k]);
	if (st->resyncs)
		printf("  resynchronised: %llu times, %llu bytes skipped\n",
		    (unsigned long long)st->resyncs, (unsigned long long)st->skipped_bytes);
	/* what RFC 7606 made of the malformed attributes */
	if (st->attrs_discarded || st->updates_withdrawn)
		printf(
		    "  RFC 7606: %llu attributes discarded, %llu UPDATEs treated as withdraw (%llu "
		    "routes)\n",
		    (unsigned long long)st->attrs_discarded,
		    (unsigned long long)st->updates_withdrawn,
		    (unsigned long long)st->routes_withdrawn);
	for (int k = 0; k < MRT_BAD_KINDS; k++)
		if (st->rib_skipped[k])
			printf("  RIB entries skipped (treat-as-withdraw), %s: %llu\n",
			    mrt_malformed_name(k), (unsigned long long)st->rib_skipped[k]);
}

static void print_json(const char *path, const struct mrt_stats *st, const struct file_stat *fs)
{
	printf("{\"file\":");
	json_fputs(stdout, path);
	printf(",\"records\":%llu,\"bytes\":%llu,\"by_type\":{", (unsigned long long)st->records,
	    (unsigned long long)st->bytes);
	int first = 1;
	for (int t = 0; t < MRT_STAT_TYPES; t++)
		for (int s = 0; s < MRT_STAT_SUBTYPES; s++)
			if (st->by_type[t][s]) {
				printf("%s\"%s/%s\":%llu", first ? "" : ",",
				    mrt_type_name((uint16_t)t),
				    mrt_subtype_name((uint16_t)t, (uint16_t)s),
				    (unsigned long long)st->by_type[t][s]);
				first = 0;
			}
	printf("},\"other_records\":%llu,\"routes\":{\"rib\":%llu,\"announce\":%llu,"
	       "\"withdraw\":%llu,\"state\":%llu},\"prefixes_v4\":%llu,\"prefixes_v6\":%llu,"
	       "\"peers\":%zu,\"first_ts\":%u,\"last_ts\":%u,\"truncated\":%s,\"malformed\":{",
	    (unsigned long long)st->other_records, (unsigned long long)st->routes[1],
	    (unsigned long long)st->routes[2], (unsigned long long)st->routes[3],
	    (unsigned long long)st->routes[4], (unsigned long long)fs->v4,
	    (unsigned long long)fs->v6, fs->peers.count, st->first_ts, st->last_ts,
	    st->truncated ? "true" : "false");
	first = 1;
	for (int k = 0; k < MRT_BAD_KINDS; k++)
		if (st->malformed[k]) {
			printf("%s\"%s\":%llu", first ? "" : ",", mrt_malformed_name(k),
			    (unsigned long long)st->malformed[k]);
			first = 0;
		}
	printf("},\"attrs_discarded\":%llu,\"updates_withdrawn\":%llu,\"routes_withdrawn\":%llu,"
	       "\"rib_skipped\":{",
	    (unsigned long long)st->attrs_discarded, (unsigned long long)st->updates_withdrawn,
	    (unsigned long long)st->routes_withdrawn);
	first = 1;
	for (int k = 0; k < MRT_BAD_KINDS; k++)
		if (st->rib_skipped[k]) {
			printf("%s\"%s\":%llu", first ? "" : ",", mrt_malformed_name(k),
			    (unsigned long long)st->rib_skipped[k]);
			first = 0;
		}
	printf("}}\n");
}

static int stat_file(const char *path, const struct mrt_options *opt, int json)
{
	struct mrt_reader *r = mrt_reader_open(path, opt);
	if (r == NULL)
		return 1;
	struct file_stat fs = {0};
	struct mrt_route rt;
	struct prefix last = {0};
	struct mrt_peer lastp = {0};
	int have_last = 0, have_peer = 0, k;
	while ((k = mrt_reader_next_route(r, &rt)) == 1) {
		if (rt.kind == MRT_ROUTE_STATE)
			continue; /* peers count only the ones that sent routes */
		if (!have_peer || memcmp(&lastp, &rt.peer, sizeof(lastp)) != 0) {
			set_add(&fs.peers, peer_key(&rt.peer));
			lastp = rt.peer, have_peer = 1;
		}
		if (have_last && prefix_cmp(&last, &rt.prefix) == 0)
			continue;
		last = rt.prefix, have_last = 1;
		size_t before = fs.pfx.count;
		set_add(&fs.pfx, prefix_key(&rt.prefix));
		if (fs.pfx.count != before)
			*(rt.prefix.afi == AFI_IPV4 ? &fs.v4 : &fs.v6) += 1;
	}
	const struct mrt_stats *st = mrt_reader_stats(r);
	if (json)
		print_json(path, st, &fs);
	else
		print_text(path, st, &fs);
	fflush(stdout);
	free(fs.pfx.slot);
	free(fs.peers.slot);
	mrt_reader_close(r);
	if (k == MRT_ERR_MALFORMED)
		return 2;
	return k < 0 ? 1 : 0;
}

static void stat_usage(FILE *f)
{
	fprintf(f,
	    "usage: routemark stat [--format text|jsonl] [--strict] [-q] FILE...\n"
	    "\n"
	    "Summarise MRT files: records by type/subtype, routes (RIB entries, announcements,\n"
	    "withdrawals), state changes, distinct prefixes (IPv4/IPv6), distinct peers (address\n"
	    "and AS) that sent routes, time span, and malformed records skipped (by kind).\n"
	    "Attributes are not decoded. FILE may be compressed (gzip, bzip2, xz, zstd) or '-'\n"
	    "for standard input.\n"
	    "\n"
	    "options:\n"
	    "  --format text   a block of lines per file (the default)\n"
	    "  --format jsonl  one JSON object per file\n"
	    "  --strict        stop at the first malformed record (exit 2)\n"
	    "  -q, --quiet     do not log malformed records\n"
	    "  -h, --help      this text\n"
	    "\n"
	    "exit status: 0 ok, 1 usage error or a file that cannot be read, 2 malformed data\n"
	    "with --strict.\n");
}

int cmd_stat(int argc, char **argv)
{
	struct mrt_options opt = {.no_attrs = 1};
	const char *fmt = "text";
	int rc,
	    i = cli_mrt_args("stat", argc, argv, "text jsonl json", &fmt, &opt, stat_usage, &rc);
	if (i < 0)
		return rc;
	int json = strcmp(fmt, "text") != 0;
	rc = 0;
	for (; i < argc; i++) {
		int k = stat_file(argv[i], &opt, json);
		if (k > rc)
			rc = k;
		if (k == 2)
			break;
	}
	return rc;
}
