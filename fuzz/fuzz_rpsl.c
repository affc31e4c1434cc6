/* libFuzzer target: the RPSL reader, the database, NRTM, expansion and the whois answerer
 * on arbitrary bytes. The input is loaded as a dump and as an NRTM stream; then every line
 * is also asked as a whois query and every set found is expanded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "irr/irr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct irr_db db;
	struct rpsl_reader r;
	struct rpsl_object o;
	struct nrtm_stats st;
	char err[256];
	log_set_level(LOG_LVL_ERR); /* warnings about bad input are expected */
	irr_db_init(&db);
	rpsl_reader_open_mem(&r, (const char *)data, size, "fuzz");
	while (rpsl_reader_next(&r, &o) == RPSL_OBJECT) {
		irr_db_add(&db, &o, 0, NULL, err, sizeof(err));
		if (o.cls == RPSL_AS_SET || o.cls == RPSL_ROUTE_SET) {
			struct irr_pfx *v;
			size_t n;
			struct irr_expansion x;
			irr_prefixes(&db, o.attrs[0].value, 0, 1, NULL, &v, &n, &x);
			irr_expansion_free(&x);
			free(v);
		}
	}
	rpsl_reader_close(&r);
	nrtm_apply_mem(&db, (const char *)data, size, "fuzz-nrtm", &st);
	/* every line as a whois query (persistent session) */
	struct whois_session s = {1, 0, 0, ""};
	struct irr_buf out = {0};
	char line[1200];
	for (size_t i = 0; i < size;) {
		size_t j = i;
		while (j < size && data[j] != '\n')
			j++;
		size_t n = j - i < sizeof(line) - 1 ? j - i : sizeof(line) - 1;
		memcpy(line, data + i, n);
		line[n] = '\0';
		whois_answer(&db, &s, line, &out);
		out.len = 0;
		i = j + 1;
	}
	irr_buf_free(&out);
	irr_db_free(&db);
	return 0;
}
