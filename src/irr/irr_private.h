/* irr internals shared by the module's files: hash maps, claims, string helpers. */
#ifndef ROUTEMARK_IRR_PRIVATE_H
#define ROUTEMARK_IRR_PRIVATE_H

#include "irr/irr.h"

/* A map slot: key is a string (skey) or an integer (ikey); val is the caller's list head. */
struct irr_hent {
	const char *skey;
	uint64_t ikey;
	uint32_t hash;
	int used;
	void *val;
};

/* String keys compare case-insensitively. Returns the value slot (created NULL when new). */
void **hmap_str_slot(struct irr_hmap *m, struct arena *a, const char *key, int create);
void **hmap_int_slot(struct irr_hmap *m, uint64_t key, int create);
void *hmap_str_get(const struct irr_hmap *m, const char *key);
void *hmap_int_get(const struct irr_hmap *m, uint64_t key);
void hmap_free(struct irr_hmap *m);
uint32_t hash_ci(const char *s);

/* An object's member-of claim on a set (RFC 2622 mbrs-by-ref): a candidate only; the set's
 * expansion re-reads the object (it may have been replaced or deleted since). */
struct irr_claim {
	const struct irr_object *obj;  /* aut-num claims */
	const struct irr_route *route; /* route claims */
	struct irr_claim *next;
};

/* Intern a string in the db (same text -> same pointer). */
const char *irr_intern(struct irr_db *db, const char *s);

/* Split a list value (commas, spaces, newlines) into tokens, in place in a copy; calls fn
 * for each token. Returns fn's first non-zero result. */
int irr_list_each(const char *value, int (*fn)(const char *tok, void *arg), void *arg);

/* 1 when s names a set ("AS-FOO", "AS1:AS-FOO", "RS-BAR", "AS1:RS-X:AS2"...). */
int irr_is_set_name(const char *s);

/* Parse an RPSL prefix with an optional range operator (^-, ^+, ^n, ^n-m). */
int irr_pfx_parse(const char *s, struct irr_pfx *p);

/* Append a name to a list (copied). */
void irr_names_add(struct irr_name_list *l, const char *s);
void irr_names_free(struct irr_name_list *l);

/* whois helpers shared by whois.c (IRRd style) and whois_ripe.c (RIPE style). */
void whois_ripe_query(
    const struct irr_db *db, struct whois_session *s, char *q, struct irr_buf *out);
void whois_render_route(const struct irr_db *db, struct irr_buf *b, const struct irr_route *r);
void whois_render_object(const struct irr_db *db, struct irr_buf *b, const struct irr_object *o);
const struct irr_object *whois_find_object(
    const struct irr_db *db, uint64_t srcmask, enum rpsl_class cls, const char *key);
/* mode: 'x' exact, 'o' exact origins only, 'l' one level less specific, 'L' all less
 * specific and exact, 'M' all more specific without exact. -1 when pfx is no prefix. */
int whois_route_search(
    const struct irr_db *db, uint64_t srcmask, const char *pfx, int mode, struct irr_buf *data);

#endif
