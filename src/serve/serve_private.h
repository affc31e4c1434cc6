/* serve internals: the request, the router, the route table, output helpers. */
#ifndef ROUTEMARK_SERVE_PRIVATE_H
#define ROUTEMARK_SERVE_PRIVATE_H

#include <stdarg.h>
#include <stdint.h>
#include <time.h>

#include "core/core.h"
#include "observe/observe.h"
#include "serve/serve.h"
#include "store/store.h"

struct json_object;

/* ---------------------------------------------------------------- limits (untrusted input) */

#define URI_MAX 2048       /* longer request targets get 414 */
#define SEG_MAX 8          /* path segments */
#define SEG_LEN 256        /* bytes of one decoded segment */
#define PARAM_MAX 16       /* query parameters */
#define PARAM_KEY_LEN 32   /* bytes of a decoded key */
#define PARAM_VAL_LEN 512  /* bytes of a decoded value */
#define PAGE_LIMIT_MAX 500 /* largest page size of a list */
#define COMPARE_MAX 8      /* ASes side by side */

/* ---------------------------------------------------------------- growable buffer */

/* Growth never aborts: when memory runs out the buffer is marked failed, later writes are
 * dropped, and the request is answered 503 (serve_dispatch). */
struct buf {
	char *p;
	size_t len, cap;
	int failed;
};

/* Test hook: a buffer may not grow beyond this many bytes (0 = no limit), as if memory ran
 * out there; also set from ROUTEMARK_SERVE_BUF_LIMIT at start. */
extern _Atomic size_t serve_buf_limit;

void buf_put(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text escaped for HTML element content and attribute values. NULL writes nothing. */
void buf_html(struct buf *b, const char *s);
/* Text escaped for a URL path segment or query value. */
void buf_urlenc(struct buf *b, const char *s);
void buf_free(struct buf *b);
/* Empty, and no longer failed. */
void buf_reset(struct buf *b);

/* ---------------------------------------------------------------- parsed request target */

struct param {
	char key[PARAM_KEY_LEN + 1];
	char val[PARAM_VAL_LEN + 1];
};

struct target {
	char seg[SEG_MAX][SEG_LEN + 1]; /* decoded path segments */
	int nseg;
	int trailing_slash;
	struct param param[PARAM_MAX];
	int nparam;
};

/* What a route's placeholders captured. */
struct route_args {
	uint32_t asn;                       /* {asn}, {badge} */
	char rest[SEG_MAX * (SEG_LEN + 1)]; /* {*} */
	const char *why;                    /* when not matched */
};

/* Parse a raw request target ("/api/v1/as/64500?limit=5"). Strict: origin-form only, valid
 * %XX escapes, no NUL or control bytes, no "." / ".." / empty segments, no duplicate keys,
 * bounded by the limits above. Returns 0, or an HTTP status (400, 414) with why set. */
int target_parse(struct target *t, const char *uri, size_t len, const char **why);
/* The value of key, or NULL. */
const char *target_param(const struct target *t, const char *key);

/* Typed parameter parsers: return 0, or -1 when the text is not a valid value. */
int param_uint(const char *s, uint64_t max, uint64_t *out);
int param_asn(const char *s, uint32_t *out); /* "64500", "AS64500" */
int param_time(const char *s, int64_t *out); /* unix seconds or YYYY-MM-DD[THH:MM[:SS]][Z] */
int param_bool(const char *s, int *out);     /* 1/0/true/false/yes/no */
/* A comma-separated ASN list, at most max, no duplicates. */
int param_asn_list(const char *s, uint32_t *out, size_t max, size_t *n);
/* "M1".."M8", "M1C".., "M7IRR", "M7RPKI": the canonical name, or NULL. */
const char *param_metric(const char *s);

/* ---------------------------------------------------------------- requests */

struct serve;
struct sse_client;
struct MHD_Connection;

struct req {
	struct serve *sv;
	struct MHD_Connection *con;
	char *uri; /* raw request target as sent */
	size_t uri_len;
	struct timespec t0;
	char client[64], method[16], version[16];
	size_t sent;         /* body bytes */
	struct store *store; /* this worker's connection */
	struct arena arena;  /* everything of this request */
	struct target t;
	struct route_args args;
	int head;    /* HEAD: no body */
	int started; /* the handler was called once (headers in) */
	/* response */
	int status;
	const char *ctype;
	struct buf body;
	struct cbody *shared;  /* instead of body: a cached body, sent without a copy */
	int64_t last_modified; /* 0 = none */
	char etag[20];         /* set with a cached body ("" = compute it) */
	int cache_hit;
	int accept_gzip;  /* the client takes gzip (Accept-Encoding) */
	int gzipped;      /* the body is gzip-coded already (from the cache) */
	const char *link; /* a Link header (RFC 8288), or NULL */
	int is_api;
	int script;                /* a page with its own script (/alerts): CSP allows it */
	struct sse_client *stream; /* an event stream (api_events) instead of a body */
	/* the settings of the snapshot shown (readiness thresholds): set by req_snapshot,
	 * the defaults before */
	struct observe_config cfg;
};

/* Parse, route and run the handler of r->uri; sets status, content type and body. */
void serve_dispatch(struct req *r);

typedef int (*handler_fn)(struct req *r);

enum route_kind { ROUTE_API, ROUTE_PAGE, ROUTE_BADGE };

/*
 * One row per path. pattern segments: literal, "{asn}" (an AS number, checked), "{*}" (the
 * rest of the path joined with '/', e.g. a prefix), "{badge}" (ASnnn.svg). params lists the
 * query keys accepted (comma-separated); any other key is a 400. nav, when set, puts the page
 * in the dashboard's navigation bar under that label.
 */
struct route {
	enum route_kind kind;
	const char *pattern;
	handler_fn fn;
	const char *params;
	const char *nav;
};

extern const struct route serve_routes[];
extern const size_t serve_nroutes;

/* Find the route of a parsed target. Returns 0 with *out set, 404 (no such path) or 400 (a
 * route's placeholder got a bad value), with a->why set. */
int route_match(const struct route *tab, size_t n, const struct target *t, struct route_args *a,
    const struct route **out);
/* 0 when every query key is one the route accepts; else -1 and *bad names the key. */
int route_check_params(const struct route *rt, const struct target *t, const char **bad);

/* ---------------------------------------------------------------- responses */

/* A JSON error body {"error": {"status", "code", "message"}} (API) or an HTML error page. */
int req_error(struct req *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The response could not be built (out of memory): a 503 with a JSON error (or an HTML
 * page), logged; the server goes on. */
void req_overloaded(struct req *r);
/* Serialize j into the body (and release it). */
int req_json(struct req *r, struct json_object *j);
/* The snapshot named by ?snapshot= (default newest), and its settings into r->cfg. Returns
 * 0, or a status already set. */
int req_snapshot(struct req *r, struct store_snapshot *snap);
/* ?asn=A,B,...: up to COMPARE_MAX different AS numbers into asns (*n of them; none given is
 * an error when required). Returns 0, or a 400 already set. */
int req_asn_list(struct req *r, uint32_t *asns, size_t *n, int required);
/* Paging from ?limit= and ?offset= (page= for pages). Returns 0 or a status already set. */
int req_paging(struct req *r, size_t def, size_t *limit, size_t *offset);

/* Content coding (encode.c): 1 when an Accept-Encoding value takes gzip; the gzip coding
 * of in (malloc'ed into *out), 0 or -1. Answers below GZIP_MIN bytes go as they are. */
#define GZIP_MIN 1024
int accepts_gzip(const char *accept_encoding);
int gzip_encode(const char *in, size_t n, char **out, size_t *outlen);

/* A strong ETag of the body: "<16 hex>". */
void etag_of(const char *p, size_t n, char out[20]);
/* 1 when an If-None-Match header value matches etag. */
int etag_match(const char *inm, const char *etag);

/* JSON helpers (json-c). */
struct json_object *jstr(const char *s);
struct json_object *jint(int64_t v);
struct json_object *jpct(double v); /* null when < 0: "no data" */
/* {"filtering": {"score", "readiness"}, ...}: a summary's Action scores under c's thresholds. */
struct observe_config;
struct store_as_summary;
struct json_object *j_actions(const struct observe_config *c, const struct store_as_summary *s);
void jadd(struct json_object *o, const char *k, struct json_object *v);
struct json_object *j_snapshot(const struct store_snapshot *s);
struct json_object *j_incident(const struct store_incident *n);
/* A page of a list: {total (when >= 0), limit, offset, next_offset, items}. */
struct json_object *j_page(
    struct json_object *items, int64_t total, size_t limit, size_t offset, int more);
struct json_object *j_route(const struct store_route *x);
/* The {*} argument as a prefix, and ?covering=; 0 or a status already set. */
int req_prefix(struct req *r, struct prefix *p, int *covering);
/* Incidents filtered by the query (metric, asn, from, to, paging); asn 0 = every AS. */
int api_incidents_of(struct req *r, uint32_t asn);

/* ---------------------------------------------------------------- conformance (api_conform.c) */

struct conform_profile;
struct conform_result;
#define SERVE_DEFAULT_PROFILE "manrs-plus-draft"

/* A shipped profile loaded at start, by exact name (never a path); NULL when none. */
const struct conform_profile *serve_profile(const struct serve *sv, const char *name);
size_t serve_profile_count(const struct serve *sv);
const struct conform_profile *serve_profile_at(const struct serve *sv, size_t i);
/* ?profile= (default SERVE_DEFAULT_PROFILE) as a shipped profile; 0, or a 400 already set. */
int req_profile(struct req *r, const struct conform_profile **out);
/* Verdicts of p for asn as of snapshot snap (the window ends there); 0 or a 500 set. */
int req_conform(struct req *r, const struct conform_profile *p, int64_t snap, uint32_t asn,
    struct conform_result *out);
/* When the server signs reports: open an SVG <a> to the signed report of r->args.asn under
 * p as of snapshot snap in the body, set the matching Link header (rel="describedby") and
 * return 1 (the caller closes the </a>); 0 and nothing written otherwise (api_sign.c). */
int serve_signed_link(struct req *r, const struct conform_profile *p, int64_t snap);
/* "MANRS+ draft", "MANRS Network Operators": the programme, with " draft" for drafts. */
const char *profile_label(const struct conform_profile *p, char *buf, size_t size);

/* ---------------------------------------------------------------- handlers */

int api_summary(struct req *r);
int api_snapshots(struct req *r);
int api_history(struct req *r);
int api_diff(struct req *r);
int api_as(struct req *r);
int api_as_findings(struct req *r);
int api_as_history(struct req *r);
int api_as_incidents(struct req *r);
int api_prefix(struct req *r);
int api_org(struct req *r);
int api_org_history(struct req *r);
int api_incidents(struct req *r);
int api_search(struct req *r);
int api_top(struct req *r);
int api_compare(struct req *r);
int api_index(struct req *r);
int api_as_conformance(struct req *r);
int api_compare_conformance(struct req *r);
int api_as_disputes(struct req *r);
int api_as_conformance_jws(struct req *r);
int api_jwks(struct req *r);
int api_events(struct req *r);
int api_alerts(struct req *r);

int page_overview(struct req *r);
int page_as(struct req *r);
int page_prefix(struct req *r);
int page_org(struct req *r);
int page_incidents(struct req *r);
int page_compare(struct req *r);
int page_search(struct req *r);
int page_top(struct req *r);
int page_as_conformance(struct req *r);
int page_compare_conformance(struct req *r);
int page_alerts(struct req *r);
int alerts_js(struct req *r);
int badge_svg(struct req *r);
/* The AS page's section on the disputes of asn's findings (api_dispute.c); -1 on a store
 * error. */
int html_disputes(struct req *r, uint32_t asn);
/* The snapshot's provenance (pages_provenance.c): WARNING lines, and with full the inputs
 * with their data dates and the other gaps. -1 on a store error. */
int html_provenance(struct req *r, const struct store_snapshot *snap, int full);

/* ---------------------------------------------------------------- shared data helpers */

/* A global figure of scope/key, or -1 when absent. */
double globals_get(const struct store_global *g, size_t n, const char *scope, const char *key);
/* qsort order of snapshots: data time (period_start) first, then the order written. */
int snapshot_cmp_data_time(const void *a, const void *b);
/* The 5 actions of a summary in display order: labels and scores. */
#define ACTION_COUNT 5
extern const char *const action_labels[ACTION_COUNT];
extern const char *const action_keys[ACTION_COUNT];
double action_score(const struct store_as_summary *s, int i);
/* Readiness name of a score under c, the settings of the snapshot shown (r->cfg): "ready",
 * "aspiring", ... */
const char *readiness_str(const struct observe_config *c, double pct);

/* ---------------------------------------------------------------- HTML */

void page_begin(struct req *r, const char *title);
void page_end(struct req *r);
/* A horizontal bar chart: labels, values (0..100 or < 0 no data). */
/* Bars are coloured by readiness under c. */
void svg_bars(struct buf *b, const struct observe_config *c, const char *title,
    const char *const *labels, const double *v, size_t n);
/* A line chart of up to 5 series over x (unix times); values 0..100, < 0 = gap. */
void svg_lines(struct buf *b, const char *title, const int64_t *x, size_t n,
    const double *const *series, const char *const *names, size_t nseries);
/* A stacked bar per row of counts (ready, aspiring, lagging, no data). */
void svg_stacked(struct buf *b, const char *title, const char *const *labels,
    const double (*counts)[4], size_t n);
/* Readiness under c as a coloured label. */
void html_readiness(struct buf *b, const struct observe_config *c, double pct);
void html_pct(struct buf *b, double pct);
/* A table of incidents (with an AS column when with_asn). */
void html_incidents(struct buf *b, const struct store_incident *v, size_t n, int with_asn);

#endif
