/*
 * The HTTP server: a libmicrohttpd daemon with a thread pool, a pool of read-only store
 * connections (one per worker, SQLITE_OPEN_NOMUTEX: each is used by one thread at a time),
 * the access log, and the graceful stop on SIGTERM / SIGINT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "serve/sandbox.h"
#include "serve/serve_private.h"
#include "serve/server_private.h"

int serve_parse_listen(const char *s, struct sockaddr_storage *ss, unsigned *len)
{
	char *host, *port, *dup = NULL;
	const char *err;
	memset(ss, 0, sizeof(*ss));
	/* port 0 (pick a free one) is ours to allow: hostport_split wants 1..65535 */
	size_t n = strlen(s);
	int any_port = n >= 2 && strcmp(s + n - 2, ":0") == 0;
	if (any_port) {
		dup = xstrdup(s);
		dup[n - 1] = '1';
	}
	int rc = hostport_split(any_port ? dup : s, &host, &port, &err);
	free(dup);
	if (rc != 0)
		return -1;
	uint64_t pn = 0;
	rc = -1;
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (!any_port && param_uint(port, 65535, &pn) != 0) {
		/* numeric only: no service names */
	} else if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)pn);
		*len = sizeof(*v4);
		rc = 0;
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)pn);
		*len = sizeof(*v6);
		rc = 0;
	}
	free(host);
	free(port);
	return rc;
}

/* ---------------------------------------------------------------- connection pool */

struct store *serve_conn_get(struct serve *sv)
{
	pthread_mutex_lock(&sv->mu);
	while (sv->nfree == 0)
		pthread_cond_wait(&sv->cv, &sv->mu);
	struct store *s = sv->free[--sv->nfree];
	pthread_mutex_unlock(&sv->mu);
	return s;
}

void serve_conn_put(struct serve *sv, struct store *s)
{
	pthread_mutex_lock(&sv->mu);
	sv->free[sv->nfree++] = s;
	pthread_cond_signal(&sv->cv);
	pthread_mutex_unlock(&sv->mu);
}

/* ---------------------------------------------------------------- request lifecycle */

/* The raw request target, before libmicrohttpd decodes it: our strict parser sees it as sent. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct req *r = xcalloc(1, sizeof(*r));
	r->sv = cls;
	size_t n = strnlen(uri, URI_MAX + 1);
	r->uri = xmalloc(n + 1);
	memcpy(r->uri, uri, n);
	r->uri[n] = '\0';
	r->uri_len = n;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	arena_init(&r->arena, 0);
	observe_config_default(&r->cfg);
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->client,
			    sizeof(r->client));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
			    r->client, sizeof(r->client));
	}
	return r;
}

/* One access-log line, Common Log Format plus the time taken. */
static void access_log(struct serve *sv, const struct req *r)
{
	if (sv->cfg.access_log == NULL)
		return;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms =
	    (double)(t1.tv_sec - r->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e6;
	char when[40], uri[URI_MAX + 2];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S +0000", &tm);
	size_t o = 0;
	for (size_t i = 0; r->uri && r->uri[i] && o < sizeof(uri) - 1; i++) {
		unsigned char c = (unsigned char)r->uri[i];
		uri[o++] = (c > 0x20 && c < 0x7f && c != '"') ? (char)c : '?';
	}
	uri[o] = '\0';
	fprintf(sv->cfg.access_log, "%s - - [%s] \"%s %s %s\" %d %zu %.1fms\n",
	    r->client[0] ? r->client : "-", when, r->method, uri, r->version, r->status, r->sent,
	    ms);
	fflush(sv->cfg.access_log);
}

static void on_done(
    void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;
	if (r == NULL)
		return;
	if (r->status)
		access_log(cls, r);
	arena_free(&r->arena);
	buf_free(&r->body);
	cbody_release(r->shared);
	free(r->uri);
	free(r);
	*con_cls = NULL;
}

static void http_date(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* An event stream (events.c): the body comes from the hub as events are stored; never
 * cached, never compressed, and the connection closes when the stream ends. */
static enum MHD_Result respond_stream(struct MHD_Connection *con, struct req *r)
{
	struct MHD_Response *resp = events_response(r);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "text/event-stream");
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	MHD_add_response_header(resp, "Connection", "close");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r->sv->cfg.cors_origin)
		MHD_add_response_header(
		    resp, "Access-Control-Allow-Origin", r->sv->cfg.cors_origin);
	enum MHD_Result rc = MHD_queue_response(con, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result respond(struct MHD_Connection *con, struct req *r)
{
	char etag[20], date[40];
	int status = r->status;
	const char *inm = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "If-None-Match");
	int cacheable = status == 200;
	/* gzip for a client that takes it: the cache's coding, or made here */
	char *gz;
	size_t gzlen;
	if (cacheable && r->accept_gzip && !r->gzipped && r->body.len >= GZIP_MIN &&
	    gzip_encode(r->body.p, r->body.len, &gz, &gzlen) == 0) {
		if (gzlen < r->body.len) {
			buf_free(&r->body);
			r->body = (struct buf){.p = gz, .len = gzlen, .cap = gzlen};
			r->gzipped = 1;
			r->etag[0] = '\0';
		} else
			free(gz);
	}
	if (cacheable && r->etag[0])
		memcpy(etag, r->etag, sizeof(etag));
	else if (cacheable)
		etag_of(r->body.p ? r->body.p : "", r->body.len, etag);
	if (cacheable && inm && etag_match(inm, etag)) {
		status = r->status = 304;
		r->body.len = 0;
		cbody_release(r->shared);
		r->shared = NULL;
	}
	struct MHD_Response *resp;
	if (r->stream && status == 200)
		return respond_stream(con, r);
	if (r->shared) { /* the cache's body itself: the response holds a reference */
		r->sent = cbody_len(r->shared);
		resp = MHD_create_response_from_buffer_with_free_callback_cls(
		    cbody_len(r->shared), cbody_data(r->shared), cbody_release, r->shared);
		if (resp == NULL)
			return MHD_NO; /* r->shared goes with the request (on_done) */
		r->shared = NULL;
	} else if (r->body.len) {
		resp =
		    MHD_create_response_from_buffer(r->body.len, r->body.p, MHD_RESPMEM_MUST_FREE);
		r->sent = r->body.len;
		r->body.p = NULL;
		r->body.len = r->body.cap = 0;
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (resp == NULL)
		return MHD_NO;
	if (status != 304)
		MHD_add_response_header(resp, "Content-Type", r->ctype ? r->ctype : "text/plain");
	if (r->gzipped && status != 304)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (cacheable) {
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
		MHD_add_response_header(resp, "ETag", etag);
		MHD_add_response_header(resp, "Cache-Control", "no-cache");
		if (r->last_modified > 0) {
			http_date(r->last_modified, date, sizeof(date));
			MHD_add_response_header(resp, "Last-Modified", date);
		}
	}
	if (r->sv->cache && status != 304 && cacheable)
		MHD_add_response_header(resp, "X-Cache", r->cache_hit ? "hit" : "miss");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (!r->is_api)
		MHD_add_response_header(resp, "Content-Security-Policy",
		    r->script ? "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
		                "script-src 'self'; connect-src 'self'; form-action 'self'; "
		                "frame-ancestors 'none'"
		              : "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
		                "form-action 'self'; frame-ancestors 'none'");
	if (status == 503)
		MHD_add_response_header(resp, "Retry-After", "5");
	if (r->link && status < 400)
		MHD_add_response_header(resp, "Link", r->link);
	if (status == 405)
		MHD_add_response_header(resp, "Allow", "GET, HEAD");
	if (r->is_api && r->sv->cfg.cors_origin)
		MHD_add_response_header(
		    resp, "Access-Control-Allow-Origin", r->sv->cfg.cors_origin);
	enum MHD_Result rc = MHD_queue_response(con, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_size,
    void **con_cls)
{
	struct req *r = *con_cls;
	if (r == NULL)
		return MHD_NO;
	if (!r->started) { /* headers only: answer on the next call, keeping the connection */
		r->started = 1;
		return MHD_YES;
	}
	if (*upload_size != 0) { /* a request body: read and ignore it */
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->status)
		return MHD_YES;
	r->con = con;
	snprintf(r->method, sizeof(r->method), "%s", method);
	snprintf(r->version, sizeof(r->version), "%s", version);
	r->head = strcmp(method, "HEAD") == 0;
	r->accept_gzip =
	    accepts_gzip(MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Accept-Encoding"));
	if (strcmp(method, "GET") != 0 && !r->head) {
		r->is_api = strncmp(r->uri, "/api/", 5) == 0;
		req_error(r, 405, "method_not_allowed", "%s: only GET and HEAD are served", method);
		if (r->body.failed)
			req_overloaded(r);
	} else {
		serve_dispatch(r);
	}
	return respond(con, r);
}

/* ---------------------------------------------------------------- start and stop */

/* libmicrohttpd's messages through our log, but for a client gone while its answer was sent:
 * an event stream ends that way every time a page is left. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char m[512];
	vsnprintf(m, sizeof(m), fmt, ap);
	m[strcspn(m, "\n")] = '\0';
	if (strstr(m, "no longer available for sending") == NULL)
		log_warn("serve: %s", m);
}

static void pool_close(struct serve *sv)
{
	for (unsigned i = 0; i < sv->nconns; i++)
		store_close(sv->conns[i]);
	sv->nconns = sv->nfree = 0;
	serve_profiles_free(sv);
	resp_cache_free(sv->cache);
	sv->cache = NULL;
	serve_keys_free(sv);
	events_free(sv->events);
	sv->events = NULL;
}

/* A listening TCP socket on ss (bound here, before privileges are dropped: port 80 works). */
static int listen_socket(const struct sockaddr_storage *ss, unsigned len)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, SOMAXCONN) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The directory of the store file (what the sandbox leaves readable): its -wal and -shm
 * files live there too. */
static char *store_dir(const char *db)
{
	char *real = realpath(db, NULL);
	if (real == NULL)
		return NULL;
	char *slash = strrchr(real, '/');
	if (slash == real)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	return real;
}

int serve_start(const struct serve_config *c, struct serve **out)
{
	struct sockaddr_storage ss;
	unsigned sslen;
	const char *listen = c->listen ? c->listen : SERVE_DEFAULT_LISTEN;
	if (serve_parse_listen(listen, &ss, &sslen) != 0) {
		log_err("--listen %s: expected ADDR:PORT with a numeric address", listen);
		return -1;
	}
	const char *lim = getenv("ROUTEMARK_SERVE_BUF_LIMIT"); /* tests: memory "runs out" */
	if (lim && *lim)
		serve_buf_limit = (size_t)strtoull(lim, NULL, 10);
	int lfd = listen_socket(&ss, sslen);
	if (lfd < 0) {
		log_err("--listen %s: cannot listen: %s", listen, strerror(errno));
		return -1;
	}
	struct serve *sv = xcalloc(1, sizeof(*sv));
	sv->cfg = *c;
	unsigned n = c->threads ? c->threads : 4;
	if (n > SERVE_MAX_THREADS)
		n = SERVE_MAX_THREADS;
	pthread_mutex_init(&sv->mu, NULL);
	pthread_mutex_init(&sv->cfg_mu, NULL);
	pthread_cond_init(&sv->cv, NULL);
	for (; sv->nconns < n; sv->nconns++) {
		if (store_open(c->db, 1, &sv->conns[sv->nconns]) != 0)
			goto fail;
		sv->free[sv->nfree++] = sv->conns[sv->nconns];
	}
	serve_profiles_load(sv);
	if (c->cache_mib >= 0)
		sv->cache = resp_cache_new(
		    (size_t)(c->cache_mib ? c->cache_mib : SERVE_DEFAULT_CACHE_MIB) << 20,
		    c->cache_ttl ? c->cache_ttl : SERVE_DEFAULT_CACHE_TTL);
	if (serve_keys_load(sv) != 0 || (sv->events = events_new(c)) == NULL)
		goto fail;
	/* the store is opened (and its -wal / -shm files created, which SQLite gives to the
	 * owner of the store when it runs as root) before the drop: the user need not be able to
	 * create files in the store's directory */
	if (c->drop && privdrop_apply("serve", c->drop) != 0)
		goto fail;
	if (c->sandbox && store_is_url(c->db)) {
		/* a PostgreSQL store: no file is needed; TCP to its server's ports only, so
		 * that a connection lost in a restart can be opened again */
		uint16_t ports[16];
		size_t np = store_url_ports(c->db, ports, 16);
		if (sandbox_restrict_net("serve", NULL, 0, ports, np) != 0)
			goto fail;
	} else if (c->sandbox) {
		char *dir = store_dir(c->db);
		const char *ro[1] = {dir};
		int rc = dir ? sandbox_restrict("serve", ro, 1) : -1;
		if (dir == NULL)
			log_err("serve: %s: %s", c->db, strerror(errno));
		free(dir);
		if (rc != 0)
			goto fail;
	}
	if (events_run(sv->events) != 0)
		goto fail;
	/* suspend / resume: an event stream waits suspended, holding no worker (events.c) */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
	                 (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	sv->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, sv, MHD_OPTION_EXTERNAL_LOGGER,
	    mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)(n > 1 ? n : 0), MHD_OPTION_URI_LOG_CALLBACK, on_uri, sv,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, sv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)512, MHD_OPTION_END);
	if (sv->d == NULL) {
		log_err("--listen %s: cannot serve on this socket", listen);
		goto fail;
	}
	struct sockaddr_storage bound;
	socklen_t bl = sizeof(bound);
	if (getsockname(lfd, (struct sockaddr *)&bound, &bl) == 0)
		sv->port =
		    ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
		                                      : ((struct sockaddr_in *)&bound)->sin_port);
	*out = sv;
	return 0;
fail:
	close(lfd);
	pool_close(sv);
	pthread_cond_destroy(&sv->cv);
	pthread_mutex_destroy(&sv->cfg_mu);
	pthread_mutex_destroy(&sv->mu);
	free(sv);
	return -1;
}

uint16_t serve_port(const struct serve *sv)
{
	return sv->port;
}

void serve_stop(struct serve *sv, int grace_ms)
{
	if (sv == NULL)
		return;
	MHD_socket fd = MHD_quiesce_daemon(sv->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	events_shutdown(sv->events); /* the streams end; none may stay suspended */
	for (int waited = 0; waited < grace_ms; waited += 20) {
		const union MHD_DaemonInfo *di =
		    MHD_get_daemon_info(sv->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (di == NULL || di->num_connections == 0)
			break;
		usleep(20000);
	}
	MHD_stop_daemon(sv->d);
	if (sv->cache) {
		struct resp_cache_stats st;
		resp_cache_stats(sv->cache, &st);
		log_info("serve: response cache: %llu hits, %llu misses, %zu entries, %.1f of %zu "
		         "MiB, dropped %llu times (store changed)",
		    (unsigned long long)st.hits, (unsigned long long)st.misses, st.entries,
		    (double)st.bytes / 1048576.0, st.max_bytes >> 20, (unsigned long long)st.drops);
	}
	pool_close(sv);
	pthread_mutex_destroy(&sv->cfg_mu);
	pthread_cond_destroy(&sv->cv);
	pthread_mutex_destroy(&sv->mu);
	free(sv);
}

int serve_run(const struct serve_config *c)
{
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	/* blocked before the workers start, so that they inherit the mask and sigwait gets it */
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	struct serve *sv;
	if (serve_start(c, &sv) != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	log_info("serving %s on port %u", c->db, serve_port(sv));
	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: stopping after the requests in flight", sig);
	serve_stop(sv, 3000);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}
