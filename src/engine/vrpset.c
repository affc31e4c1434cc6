/*
 * The VRP sets snapshots are judged with, kept in the store once per VRP file (by its
 * SHA-256), and read back for a diff of two snapshots (which ROAs appeared): the store's copy,
 * else, for a snapshot stored before routemark kept them, the file at its recorded path when it
 * still has the recorded bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "fetch/fetch.h"
#include "rpki/rpki.h"

int engine_keep_vrp_sets(
    struct store *s, const struct vrp_table *vt, const struct engine_input *in, size_t nin)
{
	for (size_t i = 0; i < nin && vt; i++) {
		if (strcmp(in[i].kind, "vrps") != 0 || strlen(in[i].sha256) != 64)
			continue;
		uint8_t *packed;
		size_t plen;
		if (vrp_table_pack(vt, &packed, &plen) != 0) {
			log_err("engine: the VRP set cannot be packed");
			return -1;
		}
		int rc = store_put_vrp_set(s, in[i].sha256, packed, plen, vrp_table_count(vt));
		free(packed);
		if (rc != 0)
			return -1;
	}
	return 0;
}

struct vrp_table *engine_snapshot_vrps(struct store *s, const char *path, const char *sha256,
    int64_t snap, int files, char *why, size_t size)
{
	if (sha256 == NULL) {
		snprintf(why, size, "snapshot %lld recorded no VRP file", (long long)snap);
		return NULL;
	}
	struct arena a;
	arena_init(&a, 1 << 12);
	const void *data;
	size_t len;
	int found;
	struct vrp_table *t = NULL;
	if (store_get_vrp_set(s, sha256, &a, &data, &len, &found) != 0)
		snprintf(why, size, "the store could not be read");
	else if (found) {
		const char *err;
		if (vrp_table_unpack(data, len, &t, &err) != 0)
			snprintf(why, size, "the VRP set of snapshot %lld is damaged: %s",
			    (long long)snap, err);
	} else
		snprintf(why, size,
		    "the store has no VRP set of snapshot %lld (analyzed before routemark kept "
		    "them)",
		    (long long)snap);
	arena_free(&a);
	if (t != NULL || found || !files || path == NULL)
		return t;
	/* the file as recorded, when it is still the same bytes */
	char sha[65];
	size_t l = strlen(why);
	if (fetch_sha256_file(path, sha) != 0)
		snprintf(why + l, size - l, "; %s (its VRP file) cannot be read", path);
	else if (strcmp(sha, sha256) != 0)
		snprintf(why + l, size - l,
		    "; %s has changed since snapshot %lld was made (SHA-256 %.12s..., recorded "
		    "%.12s...)",
		    path, (long long)snap, sha, sha256);
	else {
		struct aspa_table *asp;
		if (vrp_source_load(path, NULL, 0, 0, &t, &asp) != 0)
			snprintf(why + l, size - l, "; %s cannot be loaded", path);
		else
			aspa_table_free(asp);
	}
	return t;
}
