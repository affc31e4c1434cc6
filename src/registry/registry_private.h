/* registry internals shared by its files. */
#ifndef ROUTEMARK_REGISTRY_PRIVATE_H
#define ROUTEMARK_REGISTRY_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* Call fn(line, len, lineno, arg) for every line of a plain or gzip file (newline and CR
 * removed; lines longer than 64 KiB are cut and reported). Returns -1 when the file cannot
 * be read (logged), else 0. */
typedef void (*reg_line_fn)(const char *line, size_t len, uint64_t lineno, void *arg);
int reg_each_line(const char *path, reg_line_fn fn, void *arg);

/* One <record> of an IANA address-space registry (bogon_load.c): its prefix and the text of
 * its <status>, <designation> (or <description>) and <whois> children ("" when absent). */
struct iana_record {
	struct prefix p;
	char status[64], desc[128], whois[64];
	uint32_t line;
};
typedef void (*reg_iana_fn)(const struct iana_record *r, void *arg);
/* "iana-ipv4", "iana-ipv6" or "iana-ipv6-unicast" for an IANA registry, "" for other XML,
 * NULL when buf is not XML. */
const char *reg_iana_xml_kind(const char *buf, size_t len);
/* Call fn for every record with a usable prefix; returns how many were skipped (the first
 * few logged with name and line). */
uint64_t reg_iana_xml_each(
    const char *buf, size_t len, const char *name, reg_iana_fn fn, void *arg);

#endif
