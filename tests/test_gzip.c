/* gzip input (src/core/zinput.c, inflated by ISA-L) gives exactly the bytes zlib gives, and
 * the same problems: members with every optional header field, empty members, thousands of
 * small members whose ends fall anywhere in the reader's input chunks, stored blocks,
 * trailing bytes, a damaged CRC or length, a cut file, and every gzip file of the shared
 * data. zlib is the independent reference here. Also zinput_head (a file's first bytes, decoded
 * on the caller's thread): the reader's first bytes, for every codec. */
#include "testutil.h"
#include "core/core.h"

#include <dirent.h>
#include <zlib.h>

struct decoded {
	uint8_t *buf;
	size_t len;
	char problem[200];
};

static void put(struct decoded *d, size_t *cap, const uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	if (d->len + n > *cap) {
		while (d->len + n > *cap)
			*cap = *cap ? *cap * 2 : 1 << 16;
		d->buf = realloc(d->buf, *cap);
		assert_non_null(d->buf);
	}
	memcpy(d->buf + d->len, p, n);
	d->len += n;
}

/* Through routemark's reader, read in pieces of `piece` bytes. */
static struct decoded via_zinput(const char *path, size_t piece)
{
	struct decoded d = {0};
	size_t cap = 0;
	struct zinput *in = zinput_open(path, path, 0, 1);
	assert_non_null(in);
	assert_int_equal(zinput_codec(in), ZIN_CODEC_GZIP);
	uint8_t *tmp = malloc(piece);
	ssize_t k;
	while ((k = zinput_read(in, tmp, piece)) > 0)
		put(&d, &cap, tmp, (size_t)k);
	assert_true(k == 0);
	const char *p = zinput_problem(in);
	snprintf(d.problem, sizeof(d.problem), "%s", p ? p : "");
	zinput_close(in);
	free(tmp);
	return d;
}

/* Through zlib: members in turn until the bytes left are no gzip member; problem "corrupt"
 * or "truncated" as zlib finds it. */
static struct decoded via_zlib(const uint8_t *z, size_t zn)
{
	struct decoded d = {0};
	size_t cap = 0;
	uint8_t out[1 << 16];
	size_t pos = 0;
	while (zn - pos >= 2 && z[pos] == 0x1f && z[pos + 1] == 0x8b) {
		z_stream s;
		memset(&s, 0, sizeof(s));
		assert_int_equal(inflateInit2(&s, 15 + 16), Z_OK);
		s.next_in = (Bytef *)(uintptr_t)(z + pos);
		s.avail_in = (uInt)(zn - pos);
		int rc;
		do {
			s.next_out = out;
			s.avail_out = sizeof(out);
			rc = inflate(&s, Z_NO_FLUSH);
			put(&d, &cap, out, sizeof(out) - s.avail_out);
		} while (rc == Z_OK && !(s.avail_in == 0 && s.avail_out != 0));
		pos = (size_t)(s.next_in - z);
		inflateEnd(&s);
		if (rc == Z_STREAM_END)
			continue;
		snprintf(d.problem, sizeof(d.problem), "%s",
		    rc == Z_OK || rc == Z_BUF_ERROR ? "truncated" : "corrupt");
		break;
	}
	return d;
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	assert_true(sz >= 0);
	rewind(f);
	uint8_t *v = malloc((size_t)sz + 1);
	assert_int_equal(fread(v, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	*n = (size_t)sz;
	return v;
}

/* The reader and zlib agree on the file: the same bytes; a problem in both or neither, of
 * the same kind. Returns the reader's result. */
static struct decoded agree(const char *path, size_t piece)
{
	size_t zn;
	uint8_t *z = slurp(path, &zn);
	struct decoded a = via_zinput(path, piece), b = via_zlib(z, zn);
	assert_int_equal(a.len, b.len);
	if (a.len)
		assert_memory_equal(a.buf, b.buf, a.len);
	if (b.problem[0] == '\0')
		assert_string_equal(a.problem, "");
	else if (strcmp(b.problem, "truncated") == 0)
		assert_non_null(strstr(a.problem, "truncated"));
	else
		assert_string_equal(a.problem, "gzip data is corrupt");
	free(b.buf);
	free(z);
	return a;
}

/* n bytes that compress about 2:1, with runs now and then (long matches) */
static uint8_t *make_data(size_t n, uint32_t seed)
{
	uint8_t *v = malloc(n ? n : 1);
	uint32_t x = seed;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		v[i] = (x & 0xf000) == 0 && i > 300 ? v[i - 300] : (uint8_t)('a' + (x & 15));
	}
	return v;
}

/* One gzip member of v[0..n) at level, with the optional header fields when full. */
static uint8_t *member(const uint8_t *v, size_t n, int level, int full, size_t *zn)
{
	z_stream s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(deflateInit2(&s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	static unsigned char extra[] = "RM\004\000abcd";
	gz_header h = {0};
	if (full) {
		h.name = (Bytef *)"routes.txt";
		h.comment = (Bytef *)"a comment";
		h.extra = extra;
		h.extra_len = 8;
		h.hcrc = 1;
		h.time = 1704067200;
		assert_int_equal(deflateSetHeader(&s, &h), Z_OK);
	}
	size_t cap = deflateBound(&s, (uLong)n) + 64;
	uint8_t *z = malloc(cap);
	s.next_in = (Bytef *)(uintptr_t)v;
	s.avail_in = (uInt)n;
	s.next_out = z;
	s.avail_out = (uInt)cap;
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	*zn = cap - s.avail_out;
	deflateEnd(&s);
	return z;
}

static char tmp_path[64];

static void write_file(const uint8_t *z, size_t n)
{
	FILE *f = fopen(tmp_path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(z, 1, n, f), n);
	fclose(f);
}

static void test_members_and_headers(void **state)
{
	(void)state;
	const size_t n = 3 << 20;
	uint8_t *v = make_data(n, 2463534242u);
	size_t z1n, z9n, z0n, zen;
	uint8_t *z1 = member(v, n, 1, 1, &z1n);
	uint8_t *z9 = member(v, n / 3, 9, 0, &z9n);
	uint8_t *z0 = member(v, 100000, 0, 1, &z0n); /* stored blocks */
	uint8_t *ze = member(v, 0, 6, 1, &zen);      /* an empty member */
	size_t all = z1n + z9n + z0n + zen + 9;
	uint8_t *f = malloc(all);
	size_t o = 0;
	memcpy(f + o, z1, z1n), o += z1n;
	memcpy(f + o, ze, zen), o += zen;
	memcpy(f + o, z9, z9n), o += z9n;
	memcpy(f + o, z0, z0n), o += z0n;
	memcpy(f + o, "trailing\n", 9), o += 9;

	/* all of it, read in big and in odd small pieces */
	write_file(f, o);
	struct decoded d = agree(tmp_path, 1 << 20);
	assert_int_equal(d.len, n + n / 3 + 100000);
	assert_memory_equal(d.buf, v, n);
	assert_string_equal(d.problem, "");
	free(d.buf);
	d = agree(tmp_path, 4093);
	assert_int_equal(d.len, n + n / 3 + 100000);
	free(d.buf);

	/* the first member's CRC damaged: its bytes, then the complaint */
	uint8_t *bad = malloc(z1n);
	memcpy(bad, z1, z1n);
	bad[z1n - 6] ^= 0x01;
	write_file(bad, z1n);
	d = agree(tmp_path, 1 << 20);
	assert_string_equal(d.problem, "gzip data is corrupt");
	free(d.buf);
	/* its length field damaged */
	memcpy(bad, z1, z1n);
	bad[z1n - 2] ^= 0x01;
	write_file(bad, z1n);
	d = agree(tmp_path, 1 << 20);
	assert_string_equal(d.problem, "gzip data is corrupt");
	free(d.buf);
	/* a damaged header (method 7) */
	memcpy(bad, z1, z1n);
	bad[2] = 7;
	write_file(bad, z1n);
	d = agree(tmp_path, 1 << 20);
	assert_int_equal(d.len, 0);
	free(d.buf);

	/* cut at 60 %, and inside the trailer: what was whole, then "truncated" */
	size_t cuts[] = {z1n * 3 / 5, z1n - 3, 5};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		write_file(z1, cuts[i]);
		d = agree(tmp_path, 1 << 20);
		assert_non_null(strstr(d.problem, "truncated"));
		assert_memory_equal(d.buf, v, d.len);
		free(d.buf);
	}

	free(bad);
	free(f);
	free(z1);
	free(z9);
	free(z0);
	free(ze);
	free(v);
}

/* 3,000 small members of random sizes: their ends fall anywhere in the reader's 256 KiB
 * input chunks, headers and trailers cut by a chunk's end included. */
static void test_many_small_members(void **state)
{
	(void)state;
	uint8_t *v = make_data(1 << 20, 88172645u);
	size_t cap = 16 << 20, o = 0, want = 0;
	uint8_t *f = malloc(cap);
	uint32_t x = 12345;
	for (int i = 0; i < 3000; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		size_t len = x % 3000, zn;
		uint8_t *z = member(v + (x >> 12) % 4096, len, (int)(x % 10), (int)(x & 1), &zn);
		assert_true(o + zn <= cap);
		memcpy(f + o, z, zn);
		o += zn;
		want += len;
		free(z);
	}
	write_file(f, o);
	struct decoded d = agree(tmp_path, 1 << 20);
	assert_int_equal(d.len, want);
	assert_string_equal(d.problem, "");
	free(d.buf);
	free(f);
	free(v);
}

/* Every gzip file of the shared data (41 MB compressed): the same bytes as zlib's. */
static void test_real_files(void **state)
{
	(void)state;
	const char *dirs[] = {"mrt", "rpki", "routing", "irr", "bogons", "misc", "caida"};
	int files = 0;
	for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++) {
		REQUIRE_DATA(dir, dirs[k]);
		DIR *dp = opendir(dir);
		assert_non_null(dp);
		struct dirent *e;
		while ((e = readdir(dp)) != NULL) {
			size_t l = strlen(e->d_name);
			if (l < 4 || strcmp(e->d_name + l - 3, ".gz") != 0)
				continue;
			char path[4200];
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			struct decoded d = agree(path, 1 << 20);
			assert_true(d.len > 0);
			free(d.buf);
			files++;
		}
		closedir(dp);
	}
	assert_true(files >= 20);
}

/* zinput_head(path, k) is the first k bytes of what the reader gives (or all of it). */
static void head_agrees(const char *path, size_t k)
{
	struct zinput *in = zinput_open(path, path, 0, 1);
	assert_non_null(in);
	uint8_t *want = malloc(k + 1);
	size_t n = 0;
	ssize_t got;
	while (n < k && (got = zinput_read(in, want + n, k - n)) > 0)
		n += (size_t)got;
	zinput_close(in);
	size_t hn = 12345;
	char *h = zinput_head(path, k, &hn);
	assert_non_null(h);
	assert_int_equal(hn, n);
	assert_int_equal(h[hn], '\0');
	if (n)
		assert_memory_equal(h, want, n);
	free(h);
	free(want);
}

/* The head of a file, decoded on the caller's thread: members in turn, every codec. */
static void test_head(void **state)
{
	(void)state;
	/* 3,000 small members: heads across member boundaries */
	uint8_t *v = make_data(1 << 16, 7u);
	size_t cap = 4 << 20, o = 0;
	uint8_t *f = malloc(cap);
	for (int i = 0; i < 3000; i++) {
		size_t zn;
		uint8_t *z = member(v + i % 100, (size_t)(i % 37), 6, i & 1, &zn);
		memcpy(f + o, z, zn);
		o += zn;
		free(z);
	}
	write_file(f, o);
	size_t ks[] = {0, 1, 36, 37, 1000, 65536, 1 << 20};
	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
		head_agrees(tmp_path, ks[i]);
	/* plain bytes, and a cut member: what came before the cut */
	write_file((const uint8_t *)"plain text\n", 11);
	head_agrees(tmp_path, 4);
	head_agrees(tmp_path, 100);
	write_file(f, o / 2);
	head_agrees(tmp_path, 1 << 20);
	free(f);
	free(v);
	assert_null(zinput_head("/nonexistent/file", 10, NULL));
	/* xz and zstd, two streams / frames each, by the command-line tools */
	uint8_t *w = make_data(300000, 99u);
	write_file(w, 300000);
	const char *tools[] = {"xz -c", "zstd -q -c"};
	for (size_t i = 0; i < 2; i++) {
		char cmd[512], out[80];
		snprintf(out, sizeof(out), "%s.%zu", tmp_path, i);
		snprintf(cmd, sizeof(cmd), "%s %s > %s && %s %s >> %s", tools[i], tmp_path, out,
		    tools[i], tmp_path, out);
		assert_int_equal(system(cmd), 0);
		head_agrees(out, 1000);
		head_agrees(out, 450000);
		head_agrees(out, 1 << 20);
		unlink(out);
	}
	free(w);
	/* real files of every codec the shared data has */
	const char *files[] = {"caida/20140101.as-rel.txt.bz2",
	    "mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2",
	    "irr/irr_2024-01-01_16-irrs_route.db.gz",
	    "rpki/rpki_2023-11-07_derived_roas_aspas.json.gz"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		REQUIRE_DATA(path, files[i]);
		head_agrees(path, 4096);
		head_agrees(path, 65536);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp_path, sizeof(tmp_path), "/tmp/rm_gzip_XXXXXX");
	int fd = mkstemp(tmp_path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(tmp_path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_members_and_headers),
	    cmocka_unit_test(test_many_small_members),
	    cmocka_unit_test(test_head),
	    cmocka_unit_test(test_real_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
