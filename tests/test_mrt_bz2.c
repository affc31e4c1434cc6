/* bzip2 decoded on two threads (src/core/bz2par.c) gives exactly the bytes, and the problems,
 * of decoding in turn: many small blocks, several streams, an empty stream, trailing
 * bytes, a damaged block, a cut file, and every bzip2 file of the shared data. */
#include "testutil.h"
#include "mrt/mrt_private.h"

#include <bzlib.h>
#include <dirent.h>

struct decoded {
	uint8_t *buf;
	size_t len;
	char problem[200];
};

static struct decoded decode_file(const char *path, int sequential)
{
	struct decoded d = {0};
	struct zinput *in = zinput_open(path, path, 0, sequential);
	assert_non_null(in);
	size_t cap = 1 << 20;
	d.buf = malloc(cap);
	for (;;) {
		if (cap - d.len < (1 << 16))
			d.buf = realloc(d.buf, cap *= 2);
		ssize_t k = zinput_read(in, d.buf + d.len, cap - d.len);
		assert_true(k >= 0);
		if (k == 0)
			break;
		d.len += (size_t)k;
	}
	const char *p = zinput_problem(in);
	snprintf(d.problem, sizeof(d.problem), "%s", p ? p : "");
	zinput_close(in);
	return d;
}

/* Both ways give the same bytes and the same problem; returns the parallel result. */
static struct decoded same_both_ways(const char *path)
{
	struct decoded par = decode_file(path, 0), seq = decode_file(path, 1);
	assert_int_equal(par.len, seq.len);
	assert_memory_equal(par.buf, seq.buf, par.len);
	assert_string_equal(par.problem, seq.problem);
	free(seq.buf);
	return par;
}

/* 6 MB of bytes that compress about 2:1 (four bits of noise each). */
static uint8_t *make_data(size_t n)
{
	uint8_t *v = malloc(n);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		v[i] = (uint8_t)('a' + (x & 15));
	}
	return v;
}

static uint8_t *compress(const uint8_t *v, size_t n, int level, unsigned *zn)
{
	*zn = (unsigned)(n + n / 100 + 600);
	uint8_t *z = malloc(*zn);
	assert_int_equal(
	    BZ2_bzBuffToBuffCompress((char *)z, zn, (char *)v, (unsigned)n, level, 0, 0), BZ_OK);
	return z;
}

static void write_parts(const char *path, const uint8_t **part, const size_t *len, int n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	for (int i = 0; i < n; i++)
		assert_int_equal(fwrite(part[i], 1, len[i], f), len[i]);
	fclose(f);
}

static void test_constructed(void **state)
{
	(void)state;
	const size_t n = 6 << 20;
	uint8_t *v = make_data(n);
	unsigned z1n, z9n, zen;
	uint8_t *z1 = compress(v, n, 1, &z1n); /* 100k blocks: about 60 of them */
	uint8_t *z9 = compress(v, n / 3, 9, &z9n);
	uint8_t *ze = compress(v, 0, 9, &zen); /* a stream without blocks */
	assert_true(z1n > (1u << 20));         /* big enough to be decoded on two threads */
	char path[] = "/tmp/rm_bz2_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);

	/* one stream */
	const uint8_t *p1[] = {z1};
	size_t l1[] = {z1n};
	write_parts(path, p1, l1, 1);
	struct decoded d = same_both_ways(path);
	assert_int_equal(d.len, n);
	assert_memory_equal(d.buf, v, n);
	assert_string_equal(d.problem, "");
	free(d.buf);

	/* streams of two levels, an empty one, and trailing bytes (ignored) */
	const uint8_t *p2[] = {z1, ze, z9, (const uint8_t *)"trailing\n"};
	size_t l2[] = {z1n, zen, z9n, 9};
	write_parts(path, p2, l2, 4);
	d = same_both_ways(path);
	assert_int_equal(d.len, n + n / 3);
	assert_memory_equal(d.buf, v, n);
	assert_memory_equal(d.buf + n, v, n / 3);
	assert_string_equal(d.problem, "");
	free(d.buf);

	/* a damaged block in the middle: the blocks before it, then the same complaint
	 * (libbz2 hands out a block's bytes before it checks the block's CRC, so what comes
	 * of the damaged block itself is not checked here) */
	uint8_t *bad = malloc(z1n);
	memcpy(bad, z1, z1n);
	bad[z1n / 2] ^= 0x5a;
	const uint8_t *p3[] = {bad};
	write_parts(path, p3, l1, 1);
	d = same_both_ways(path);
	assert_true(d.len < n && d.len > n * 2 / 5);
	assert_memory_equal(d.buf, v, n * 2 / 5);
	assert_string_equal(d.problem, "bzip2 data is corrupt");
	free(d.buf);

	/* cut at 60 %: what was whole, then "truncated" */
	size_t l4[] = {z1n * 3 / 5};
	write_parts(path, p1, l4, 1);
	d = same_both_ways(path);
	assert_true(d.len < n && d.len > n / 2);
	assert_memory_equal(d.buf, v, d.len);
	assert_non_null(strstr(d.problem, "truncated"));
	free(d.buf);

	unlink(path);
	free(bad);
	free(z1);
	free(z9);
	free(ze);
	free(v);
}

/* Every bzip2 file of the shared data, both ways. */
static void test_real_files(void **state)
{
	(void)state;
	REQUIRE_DATA(dir, "mrt");
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".bz2") != 0)
			continue;
		char path[4200];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct decoded x = same_both_ways(path);
		assert_true(x.len > 0);
		free(x.buf);
		files++;
	}
	closedir(d);
	assert_true(files >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_constructed),
	    cmocka_unit_test(test_real_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
