/* The route state as JSON lines (monitor --rib-out). */
#include <stdio.h>

#include "bmp/bmp.h"

static int write_route(const struct bmp_rib_entry *e, void *arg)
{
	FILE *f = arg;
	char buf[PREFIX_STRLEN];
	fputs("{\"view\":", f);
	json_fputs(f, bmp_view_name(e->view));
	fputs(",\"router\":", f);
	json_fputs(f, e->router);
	fputs(",\"peer\":", f);
	json_fputs(f, bmp_peer_addr_format(e->peer, buf, sizeof(buf)));
	fprintf(f, ",\"peer_as\":%u,\"prefix\":", e->peer->asn);
	json_fputs(f, prefix_format(&e->prefix, buf, sizeof(buf)));
	fputs(",\"path\":[", f);
	const uint32_t *w = bmp_attrs_path(e->attrs);
	uint32_t n = e->attrs->npath, first = 1;
	for (uint32_t i = 0; i < n;) {
		uint32_t cnt = ASPATH_SEG_COUNT(w[i]);
		for (uint32_t j = 1; j <= cnt && i + j < n; j++, first = 0)
			fprintf(f, "%s%u", first ? "" : ",", w[i + j]);
		i += cnt + 1;
	}
	uint32_t origin;
	if (aspath_words_origin(w, n, &origin) == 0)
		fprintf(f, "],\"origin\":%u", origin);
	else
		fputs("],\"origin\":null", f);
	if (e->has_path_id)
		fprintf(f, ",\"path_id\":%u", e->path_id);
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}

int bmp_rib_write_json(const struct bmp_rib *rib, FILE *f)
{
	return bmp_rib_walk(rib, write_route, f) != 0 ? -1 : 0;
}
