/* libFuzzer target: the request-target parser, the route table and every query parameter
 * parser of serve, on untrusted bytes. Invariants: no crash, decoded segments and values stay
 * within their bounds and hold no control bytes, and a matched route's placeholders parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_private.h"

static void check_text(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct target t; /* 11 KB: not on the stack */
	static struct route_args a;
	const char *why = NULL;
	int rc = target_parse(&t, (const char *)data, size, &why);
	if (rc != 0) {
		if ((rc != 400 && rc != 404 && rc != 414) || why == NULL)
			abort();
		return 0;
	}
	if (t.nseg > SEG_MAX || t.nparam > PARAM_MAX)
		abort();
	for (int i = 0; i < t.nseg; i++)
		check_text(t.seg[i], SEG_LEN);
	for (int i = 0; i < t.nparam; i++) {
		check_text(t.param[i].key, PARAM_KEY_LEN);
		check_text(t.param[i].val, PARAM_VAL_LEN);
		/* every typed parser on every value */
		const char *v = t.param[i].val;
		uint64_t u;
		uint32_t asn, list[COMPARE_MAX];
		int64_t tm;
		size_t n;
		int b;
		param_uint(v, UINT64_MAX, &u);
		param_asn(v, &asn);
		param_time(v, &tm);
		param_bool(v, &b);
		if (param_asn_list(v, list, COMPARE_MAX, &n) == 0 && (n == 0 || n > COMPARE_MAX))
			abort();
		param_metric(v);
		struct prefix p;
		prefix_parse(v, &p);
	}
	const struct route *rt = NULL;
	rc = route_match(serve_routes, serve_nroutes, &t, &a, &rt);
	if (rc == 0) {
		const char *bad;
		route_check_params(rt, &t, &bad);
		if (strstr(rt->pattern, "{*}") && a.rest[0] == '\0')
			abort();
	} else if (rc != 404 && rc != 400) {
		abort();
	}
	return 0;
}
