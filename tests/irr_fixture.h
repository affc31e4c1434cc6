/* A small constructed RPSL file for the irr tests: nested as-sets, a loop, a missing set,
 * members by reference, route-sets with range operators, and routes for the ASNs. The
 * real samples have few routes for their as-sets' members; this fills the gap. */
#ifndef ROUTEMARK_IRR_FIXTURE_H
#define ROUTEMARK_IRR_FIXTURE_H

#include <stdio.h>

static const char irr_fixture[] =
    "# constructed for routemark's tests\n"
    "as-set:      AS-ROOT\n"
    "members:     AS-A, AS396001,\n"
    "             AS-LOOP1   # a loop below\n"
    "mbrs-by-ref: MNT-OK\n"
    "source:      TEST\n"
    "\n"
    "as-set:      AS-A\n"
    "members:     AS-B\n"
    "+\n"
    "             AS396002\n"
    "source:      TEST\n"
    "\n"
    "As-Set:      AS-B\n"
    "Members:     AS-C, AS396003, AS-MISSING, 192.0.2.0/24\n"
    "source:      TEST\n"
    "\n"
    "as-set:      AS-C\n"
    "members:     AS396004\n"
    "source:      TEST\n"
    "\n"
    "as-set:      AS-LOOP1\n"
    "members:     AS-LOOP2\n"
    "source:      TEST\n"
    "\n"
    "as-set:      AS-LOOP2\n"
    "members:     AS-LOOP1, AS396005\n"
    "source:      TEST\n"
    "\n"
    "as-set:      AS-REAL\n"
    "members:     AS-LEN, as-tmpebonecwix, AS12726, AS12541, AS2607, AS-ROOT\n"
    "source:      TEST\n"
    "\n"
    "aut-num:     AS396010\n"
    "member-of:   AS-ROOT\n"
    "mnt-by:      MNT-OK\n"
    "source:      TEST\n"
    "\n"
    "aut-num:     AS396011\n"
    "member-of:   AS-ROOT\n"
    "mnt-by:      MNT-OTHER\n"
    "source:      TEST\n"
    "\n"
    "route-set:   RS-TEST\n"
    "members:     198.51.100.0/24, 203.0.113.0/24^25-26, AS396001, RS-INNER\n"
    "mbrs-by-ref: ANY\n"
    "source:      TEST\n"
    "\n"
    "route-set:   RS-INNER\n"
    "mp-members:  2001:db8::/32\n"
    "source:      TEST\n"
    "\n"
    "route:       198.18.0.0/15\n"
    "origin:      AS396099\n"
    "member-of:   RS-TEST\n"
    "mnt-by:      MNT-X\n"
    "source:      TEST\n"
    "\n"
    "route:       10.0.0.0/24\norigin: AS396001\nsource: TEST\n\n"
    "route:       10.0.1.0/24\norigin: AS396001\nsource: TEST\n\n"
    "route:       10.0.0.128/25\norigin: AS396002\nsource: TEST\n\n"
    "route6:      2001:db8:1::/48\norigin: AS396003\nsource: TEST\n\n"
    "route6:      2001:db8:2::/48\norigin: AS396004\nsource: TEST\n\n"
    "route:       172.16.0.0/16\norigin: AS396010\nsource: TEST\n\n"
    "route:       172.17.0.0/16\norigin: AS396011\nsource: TEST\n\n"
    "route:       10.1.0.0/16\norigin: AS396005\nsource: TEST\n\n"
    "route:       10.1.1.0/24\norigin: AS396006\nsource: TEST\n\n";

/* Write the fixture into dir/name; returns the path (static buffer). */
static inline const char *irr_fixture_write(const char *dir)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/fixture.db", dir);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return NULL;
	fputs(irr_fixture, f);
	fclose(f);
	return path;
}

#endif
