/* libFuzzer target: the whois query answerer (whois_answer) on arbitrary query lines, over a
 * fixed small database (tests/irr_fixture.h: nested and looping as-sets, members by
 * reference, route-sets, routes) loaded once. Each input is a session: every line one query,
 * "!!" and "-k" make it persistent, "!q" ends it. IRRd answers are checked for their framing:
 * "A<n>\n" followed by exactly n bytes then "C\n", or "C\n", "D\n", "F ...\n". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "irr/irr.h"
#include "../tests/irr_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct irr_db db;

static void db_load(void)
{
	struct rpsl_reader r;
	struct rpsl_object o;
	char err[256];
	log_set_level(LOG_LVL_ERR);
	irr_db_init(&db);
	rpsl_reader_open_mem(&r, irr_fixture, sizeof(irr_fixture) - 1, "fixture");
	while (rpsl_reader_next(&r, &o) == RPSL_OBJECT)
		irr_db_add(&db, &o, 0, NULL, err, sizeof(err));
	rpsl_reader_close(&r);
}

/* An IRRd answer is framed: one of A<n>\n<n bytes>C\n, C\n, D\n, F text\n. */
static void check_irrd(const char *p, size_t n)
{
	if (n == 0)
		return; /* "!!" and friends answer nothing */
	if (p[n - 1] != '\n')
		abort();
	if (p[0] == 'C' || p[0] == 'D')
		return;
	if (p[0] == 'F') {
		if (memchr(p, '\n', n) != p + n - 1) /* one line */
			abort();
		return;
	}
	if (p[0] != 'A')
		abort();
	char *end;
	unsigned long len = strtoul(p + 1, &end, 10);
	if (*end != '\n')
		abort();
	size_t hdr = (size_t)(end - p) + 1;
	if (hdr + len + 2 != n || memcmp(p + hdr + len, "C\n", 2) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int loaded;
	if (!loaded) {
		db_load();
		loaded = 1;
	}
	struct whois_session s;
	memset(&s, 0, sizeof(s));
	struct irr_buf out = {0};
	char line[2048];
	for (size_t i = 0; i < size && !s.quit;) {
		size_t j = i;
		while (j < size && data[j] != '\n')
			j++;
		size_t n = j - i < sizeof(line) - 1 ? j - i : sizeof(line) - 1;
		memcpy(line, data + i, n);
		line[n] = '\0';
		i = j + 1;
		if (memchr(line, '\0', n) != NULL) /* a NUL ends the line early, as in the server */
			n = strlen(line);
		out.len = 0;
		whois_answer(&db, &s, line, &out);
		size_t k = 0;
		while (k < n && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
			k++;
		if (k < n && line[k] == '!' && n < 1000)
			check_irrd(out.p, out.len);
	}
	irr_buf_free(&out);
	return 0;
}
