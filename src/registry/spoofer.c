/*
 * CAIDA Spoofer session results, as the public Spoofer Data API (api.spoofer.caida.org,
 * GET /sessions) publishes them: a JSON-LD page {"hydra:member": [session, ...]}, a JSON
 * array of sessions, or one session object per line (what CAIDA's example script
 * dump-spoofer-api-after.pl prints). A session:
 *   {"session":891176, "timestamp":"2020-05-07T14:34:59+00:00", "asn4":"3356",
 *    "client4":"4.30.179.0/24", "privatespoof":"blocked", "routedspoof":"blocked",
 *    "asn6":null, "client6":null, "privatespoof6":null, "routedspoof6":null, ...}
 * A status "received" means a packet with a spoofed source address (private or routed)
 * reached CAIDA's server: the client's network does not validate source addresses. Each
 * session gives one test per address family it ran (client4 / client6, the client's
 * anonymised prefix). See docs/metrics.md, "Action 2".
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry/registry.h"

void spoofer_init(struct spoofer *sp)
{
	memset(sp, 0, sizeof(*sp));
}

void spoofer_free(struct spoofer *sp)
{
	free(sp->v);
	memset(sp, 0, sizeof(*sp));
}

static const char *jget_str(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
	           ? json_object_get_string(v)
	           : NULL;
}

/* An ASN as the API gives it: a string ("3356") or a number; 0 when absent or bad. */
static uint32_t jget_asn(json_object *o, const char *k)
{
	json_object *v;
	uint32_t asn = 0;
	if (!json_object_object_get_ex(o, k, &v) || v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		int64_t x = json_object_get_int64(v);
		return x > 0 && x <= UINT32_MAX ? (uint32_t)x : 0;
	}
	if (json_object_is_type(v, json_type_string) && asn_parse(json_object_get_string(v), &asn))
		return 0;
	return asn;
}

/* "2020-05-07T14:34:59+00:00" (the API's form: UTC), or anything time_parse_utc takes. */
static int parse_ts(const char *s, int64_t *t)
{
	char b[32];
	size_t n = strlen(s);
	if (n >= 19 && (strcmp(s + 19, "+00:00") == 0 || strcmp(s + 19, "Z") == 0)) {
		memcpy(b, s, 19);
		b[19] = '\0';
		s = b;
	}
	return time_parse_utc(s, t);
}

static void add_test(struct spoofer *sp, json_object *o, uint32_t id, int64_t ts, int v6)
{
	uint32_t asn = jget_asn(o, v6 ? "asn6" : "asn4");
	const char *client = jget_str(o, v6 ? "client6" : "client4");
	const char *routed = jget_str(o, v6 ? "routedspoof6" : "routedspoof");
	const char *priv = jget_str(o, v6 ? "privatespoof6" : "privatespoof");
	if (client == NULL) /* this family was not tested */
		return;
	struct prefix p;
	if (asn == 0 || prefix_parse(client, &p) != 0) {
		sp->st.malformed++;
		return;
	}
	XGROW(sp->v, sp->cap, sp->n + 1);
	struct spoofer_test *t = &sp->v[sp->n++];
	t->asn = asn;
	t->session = id;
	t->ts = ts;
	t->client = p;
	t->spoofed =
	    (routed && strcmp(routed, "received") == 0) || (priv && strcmp(priv, "received") == 0);
	sp->st.tests++;
	sp->st.spoofed += t->spoofed;
}

static void add_session(struct spoofer *sp, json_object *o)
{
	json_object *v;
	if (!json_object_is_type(o, json_type_object)) {
		sp->st.malformed++;
		return;
	}
	if (json_object_object_get_ex(o, "hydra:member", &v)) { /* a page of the API */
		size_t n =
		    json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
		for (size_t i = 0; i < n; i++)
			add_session(sp, json_object_array_get_idx(v, i));
		return;
	}
	const char *tss = jget_str(o, "timestamp");
	int64_t ts;
	if (tss == NULL || parse_ts(tss, &ts) != 0) {
		sp->st.malformed++;
		return;
	}
	uint32_t id = 0;
	if (json_object_object_get_ex(o, "session", &v) && json_object_is_type(v, json_type_int))
		id = (uint32_t)json_object_get_int64(v);
	sp->st.sessions++;
	add_test(sp, o, id, ts, 0);
	add_test(sp, o, id, ts, 1);
}

static int test_cmp(const void *a, const void *b)
{
	const struct spoofer_test *x = a, *y = b;
	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	int c = prefix_cmp(&x->client, &y->client);
	if (c)
		return c;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

int spoofer_load_mem(struct spoofer *sp, const char *buf, size_t len, const char *name)
{
	json_tokener *tok = json_tokener_new();
	size_t off = 0;
	int rc = 0;
	while (off < len) {
		while (off < len && strchr(" \t\r\n", buf[off]))
			off++;
		if (off == len)
			break;
		json_object *o = json_tokener_parse_ex(tok, buf + off, (int)(len - off));
		enum json_tokener_error e = json_tokener_get_error(tok);
		if (o == NULL || e != json_tokener_success) {
			log_err("%s: not Spoofer session JSON at byte %zu: %s", name, off,
			    e == json_tokener_continue ? "the data ends inside a value"
			                               : json_tokener_error_desc(e));
			json_object_put(o);
			rc = -1;
			break;
		}
		off += json_tokener_get_parse_end(tok);
		if (json_object_is_type(o, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(o); i++)
				add_session(sp, json_object_array_get_idx(o, i));
		} else
			add_session(sp, o);
		json_object_put(o);
		json_tokener_reset(tok);
	}
	json_tokener_free(tok);
	if (sp->n)
		qsort(sp->v, sp->n, sizeof(*sp->v), test_cmp);
	return rc;
}

int spoofer_load(struct spoofer *sp, const char *path)
{
	size_t len;
	char *buf = zinput_slurp(path, &len);
	if (buf == NULL)
		return -1;
	int rc = spoofer_load_mem(sp, buf, len, path);
	free(buf);
	if (rc == 0)
		log_info("loaded %llu Spoofer sessions (%llu tests, %llu with spoofed packets "
		         "received) from %s, %llu malformed skipped",
		    (unsigned long long)sp->st.sessions, (unsigned long long)sp->st.tests,
		    (unsigned long long)sp->st.spoofed, path, (unsigned long long)sp->st.malformed);
	return rc;
}

int spoofer_m5(const struct spoofer *sp, uint32_t asn, int64_t from, int64_t to, uint32_t *prefixes)
{
	*prefixes = 0;
	if (sp == NULL)
		return 0;
	size_t i =
	    u32_lower_bound(sp->v, sp->n, sizeof(*sp->v), offsetof(struct spoofer_test, asn), asn);
	int tested = 0;
	const struct prefix *last = NULL;
	for (; i < sp->n && sp->v[i].asn == asn; i++) {
		const struct spoofer_test *t = &sp->v[i];
		if (t->ts < from || t->ts >= to)
			continue;
		tested = 1;
		if (t->spoofed && (last == NULL || prefix_cmp(last, &t->client) != 0)) {
			(*prefixes)++; /* in (prefix, time) order: each prefix counted once */
			last = &t->client;
		}
	}
	return tested;
}

void spoofer_window(int64_t first, int64_t last, int64_t *from, int64_t *to)
{
	struct tm tm;
	time_t t = (time_t)first;
	gmtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	*from = (int64_t)timegm(&tm);
	t = (time_t)(last > first ? last : first);
	gmtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mon++; /* timegm normalises December + 1 */
	*to = (int64_t)timegm(&tm);
}
