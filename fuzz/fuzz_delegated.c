/* libFuzzer target: the delegation-statistics reader (and lookups), the IANA registries as
 * delegations, the bogon list / IANA XML loader, the AS-name line parser, the PeeringDB JSON loader
 * and the CAIDA Spoofer session reader on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	log_set_level(LOG_LVL_ERR + 0); /* warnings about bad input are expected */
	struct delegated d;
	struct asnames a;
	delegated_init(&d);
	asnames_init(&a);
	uint64_t lineno = 0;
	for (const char *p = s; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		delegated_add_line(&d, p, n, "fuzz", ++lineno);
		asnames_add_line(&a, p, n);
		p = nl ? nl + 1 : end;
	}
	delegated_finish(&d);
	struct delegated x; /* the IANA registries as delegations */
	delegated_init(&x);
	delegated_load_iana_mem(&x, s, size, "fuzz");
	struct bogon_db db;
	bogon_db_init(&db);
	bogon_load_mem(&db, s, size, "fuzz");
	bogon_db_set_delegated(&db, &d);
	for (size_t i = 0; i < d.nasn; i++) {
		bogon_check_asn(&db, d.asn[i].start, NULL);
		asnames_get(&a, d.asn[i].start);
	}
	struct prefix p = {.afi = AFI_IPV4, .len = 24};
	for (size_t i = 0; i + 3 < size && i < 256; i += 4) {
		memcpy(p.addr, data + i, 3);
		prefix_mask(&p);
		bogon_check_prefix(&db, &p, NULL);
		struct deleg_region r;
		deleg_region(&x, NULL, &p, 0, &r);
	}
	delegated_free(&x);
	bogon_db_free(&db);
	struct pdb pdb;
	pdb_init(&pdb);
	pdb_load_mem(&pdb, s, size, "fuzz");
	pdb_free(&pdb);
	struct spoofer sp;
	spoofer_init(&sp);
	spoofer_load_mem(&sp, s, size, "fuzz");
	for (size_t i = 0; i < sp.n && i < 64; i++) {
		uint32_t n;
		spoofer_m5(&sp, sp.v[i].asn, sp.v[i].ts - 86400, sp.v[i].ts + 1, &n);
	}
	spoofer_free(&sp);
	asnames_free(&a);
	delegated_free(&d);
	return 0;
}
