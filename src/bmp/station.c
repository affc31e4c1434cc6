/*
 * The BMP station: one thread, one poll() loop. Sockets are non-blocking; each round reads a
 * router only while its input buffer has room and parses at most a slice of each buffer, so a
 * fast router cannot starve the others nor grow memory past buf_max (plus the parser's one
 * message): the kernel's socket buffers fill and TCP slows the router down.
 *
 * Router names are the remote address ("192.0.2.1", "2001:db8::1"); a second session from an
 * address already connected is named "ADDR:PORT" / "[ADDR]:PORT". A session's end (close,
 * error, idle timeout, Termination) flushes its router's routes from the state.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bmp/bmp.h"

#define SLICE_MAX (256u * 1024) /* bytes parsed a router a round */
#define BUF_START (64u * 1024)

struct conn {
	int fd;
	int target;     /* index of the connect target, -1: accepted */
	int connecting; /* connect() in progress */
	int eof;        /* the router closed (or sent Termination): parse what is left, end */
	int term;       /* a Termination came: the bytes after it are ignored */
	char name[64];  /* the router's name in the route state */
	char addr[64];  /* ADDR:PORT for messages */
	uint32_t router;
	struct bmp_parser *p;
	struct bmp_station *st;
	uint8_t *buf;
	size_t cap, off, len; /* unparsed bytes: buf[off..len) */
	double last_rx;
};

struct target {
	char *spec;
	char *host, *port;
	double next_try, backoff;
	int busy; /* a session (or attempt) is open */
};

struct bmp_station {
	struct bmp_station_opts o;
	struct bmp_rib *rib;
	int lfd;
	unsigned port;
	double accept_pause; /* out of descriptors: not accepting until then */
	struct target *t;
	size_t nt;
	struct conn **c;
	size_t nc, ccap;
	struct pollfd *pfd;
	size_t pcap;
	struct bmp_station_stats s; /* of ended sessions, and the running counters */
};

static char *dupn(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Split "HOST:PORT" / "[HOST]:PORT" into fresh strings. */
static int split_hostport(const char *spec, char **host, char **port)
{
	const char *colon;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (end == NULL || end[1] != ':')
			return -1;
		*host = dupn(spec + 1, (size_t)(end - spec - 1));
		colon = end + 1;
	} else {
		colon = strrchr(spec, ':');
		if (colon == NULL || colon == spec)
			return -1;
		*host = dupn(spec, (size_t)(colon - spec));
	}
	if (colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1)) {
		free(*host);
		*host = NULL;
		return -1;
	}
	*port = xstrdup(colon + 1);
	return 0;
}

static void addr_format(
    const struct sockaddr_storage *ss, char *host, size_t hsize, char *full, size_t fsize)
{
	char h[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &s4->sin_addr, h, sizeof(h));
		port = ntohs(s4->sin_port);
		snprintf(full, fsize, "%s:%u", h, port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, h, sizeof(h));
		port = ntohs(s6->sin6_port);
		snprintf(full, fsize, "[%s]:%u", h, port);
	} else {
		snprintf(full, fsize, "?");
	}
	snprintf(host, hsize, "%s", h);
}

static void on_event(void *arg, const struct bmp_msg *m, const struct mrt_route *rt)
{
	struct conn *c = arg;
	struct bmp_station *st = c->st;
	if (rt == NULL && m->type == BMP_PEER_DOWN && st->o.on_down)
		st->o.on_down(st->o.arg, c->name, &m->peer);
	bmp_rib_event(st->rib, c->router, m, rt);
	if (rt && st->o.on_route)
		st->o.on_route(st->o.arg, c->name, m->view, &m->peer, rt);
	if (rt == NULL && m->type == BMP_TERMINATION) {
		log_info("bmp station: %s (%s): Termination (reason %u)", c->name, c->addr,
		    (unsigned)m->term_reason);
		c->eof = c->term = 1; /* RFC 7854 4.5: the router closes next */
	}
}

/* Start a session on a connected socket. */
static struct conn *conn_new(struct bmp_station *st, int fd, int target)
{
	struct conn *c = xcalloc(1, sizeof(*c));
	c->fd = fd, c->target = target, c->st = st;
	c->last_rx = clock_mono();
	XGROW(st->c, st->ccap, st->nc + 1);
	st->c[st->nc++] = c;
	return c;
}

/* The session is up: name the router, make its parser. */
static void conn_start(struct bmp_station *st, struct conn *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN];
	memset(&ss, 0, sizeof(ss));
	if (getpeername(c->fd, (struct sockaddr *)&ss, &sl) != 0)
		ss.ss_family = AF_UNSPEC;
	addr_format(&ss, host, sizeof(host), c->addr, sizeof(c->addr));
	snprintf(c->name, sizeof(c->name), "%s", host);
	for (size_t i = 0; i < st->nc; i++)
		if (st->c[i] != c && st->c[i]->p && strcmp(st->c[i]->name, c->name) == 0)
			snprintf(c->name, sizeof(c->name), "%s", c->addr);
	c->router = bmp_rib_router(st->rib, c->name);
	struct bmp_parser_opts po = {.source = c->addr, .quiet = st->o.quiet};
	c->p = bmp_parser_new(&po, on_event, c);
	c->last_rx = clock_mono();
	log_info("bmp station: %s (%s) connected", c->name, c->addr);
}

/* End a session: count it, flush the router's routes, schedule a reconnect. */
static void conn_end(struct bmp_station *st, size_t i, uint64_t *counter)
{
	struct conn *c = st->c[i];
	(*counter)++;
	if (c->p) {
		const struct bmp_stats *ps = bmp_parser_stats(c->p);
		st->s.messages += ps->messages;
		st->s.bytes += ps->bytes;
		for (int k = 0; k < BMP_BAD_KINDS; k++)
			st->s.malformed += ps->malformed[k];
		if (st->o.on_down)
			st->o.on_down(st->o.arg, c->name, NULL);
		st->s.flushed += bmp_rib_router_flush(st->rib, c->router);
		bmp_parser_free(c->p);
	}
	if (c->target >= 0) {
		struct target *t = &st->t[c->target];
		t->busy = 0;
		t->next_try = clock_mono() + t->backoff;
		t->backoff =
		    t->backoff * 2 > st->o.backoff_max ? st->o.backoff_max : t->backoff * 2;
	}
	close(c->fd);
	free(c->buf);
	free(c);
	st->c[i] = st->c[--st->nc];
}

static int set_socket(int fd)
{
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	return fd;
}

static int listen_open(struct bmp_station *st, const char *spec)
{
	char *host, *port;
	if (split_hostport(spec, &host, &port) != 0) {
		log_warn("bmp station: --listen %s: not ADDR:PORT", spec);
		return -1;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	    .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	int e = getaddrinfo(*host ? host : NULL, port, &hints, &ai), fd = -1;
	if (e != 0)
		log_warn("bmp station: --listen %s: %s", spec, gai_strerror(e));
	for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 64) != 0) {
			log_warn("bmp station: --listen %s: %s", spec, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	if (ai)
		freeaddrinfo(ai);
	free(host);
	free(port);
	if (fd < 0)
		return -1;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		st->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
		                                          : ((struct sockaddr_in *)&ss)->sin_port);
	st->lfd = fd;
	return 0;
}

struct bmp_station *bmp_station_new(const struct bmp_station_opts *o, struct bmp_rib *rib)
{
	struct bmp_station *st = xcalloc(1, sizeof(*st));
	st->o = *o;
	st->rib = rib;
	st->lfd = -1;
	if (st->o.buf_max == 0)
		st->o.buf_max = BMP_STATION_BUF_DEFAULT;
	if (st->o.backoff_min <= 0)
		st->o.backoff_min = 1;
	if (st->o.backoff_max < st->o.backoff_min)
		st->o.backoff_max = st->o.backoff_min > 60 ? st->o.backoff_min : 60;
	if (st->o.max_routers == 0)
		st->o.max_routers = 1024;
	st->s.buf_max = st->o.buf_max;
	if (o->listen && listen_open(st, o->listen) != 0) {
		free(st);
		return NULL;
	}
	st->t = xcalloc(o->nconnect + 1, sizeof(*st->t));
	for (size_t i = 0; i < o->nconnect; i++) {
		struct target *t = &st->t[st->nt];
		if (split_hostport(o->connect[i], &t->host, &t->port) != 0) {
			log_warn("bmp station: --connect %s: not HOST:PORT", o->connect[i]);
			bmp_station_free(st);
			return NULL;
		}
		t->spec = xstrdup(o->connect[i]);
		t->backoff = st->o.backoff_min;
		st->nt++;
	}
	st->o.connect = NULL; /* not kept */
	return st;
}

unsigned bmp_station_port(const struct bmp_station *st)
{
	return st->port;
}

/* Start a non-blocking connect to target i; a failure schedules the next try. */
static void target_try(struct bmp_station *st, size_t i)
{
	struct target *t = &st->t[i];
	struct addrinfo hints = {
	    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	int e = getaddrinfo(t->host, t->port, &hints, &ai), fd = -1;
	if (e == 0) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
		    errno != EINPROGRESS) {
			log_warn("bmp station: connect %s: %s", t->spec, strerror(errno));
			close(fd);
			fd = -1;
		}
		freeaddrinfo(ai);
	} else {
		log_warn("bmp station: connect %s: %s", t->spec, gai_strerror(e));
	}
	if (fd < 0) {
		st->s.connect_failed++;
		t->next_try = clock_mono() + t->backoff;
		t->backoff =
		    t->backoff * 2 > st->o.backoff_max ? st->o.backoff_max : t->backoff * 2;
		return;
	}
	t->busy = 1;
	struct conn *c = conn_new(st, set_socket(fd), (int)i);
	c->connecting = 1;
	snprintf(c->addr, sizeof(c->addr), "%s", t->spec);
	snprintf(c->name, sizeof(c->name), "%s", t->spec);
}

static void accept_all(struct bmp_station *st)
{
	for (int k = 0; k < 64; k++) {
		int fd = accept4(st->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				log_warn("bmp station: accept: %s; not accepting for 1 s",
				    strerror(errno));
				st->accept_pause = clock_mono() + 1;
			}
			return;
		}
		if (st->nc >= st->o.max_routers) {
			st->s.refused++;
			log_warn(
			    "bmp station: %zu routers connected: a new connection refused", st->nc);
			close(fd);
			continue;
		}
		conn_start(st, conn_new(st, set_socket(fd), -1));
		st->s.accepted++;
	}
}

/* Read what the buffer has room for. 0, or -1 on a socket error (errno). */
static int conn_read(struct bmp_station *st, struct conn *c)
{
	if (c->off == c->len)
		c->off = c->len = 0;
	else if (c->off > 0 && c->len == c->cap) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off, c->off = 0;
	}
	if (c->len == c->cap && c->cap < st->o.buf_max) {
		size_t n = c->cap ? c->cap * 2 : BUF_START;
		c->cap = n > st->o.buf_max ? st->o.buf_max : n;
		c->buf = xrealloc(c->buf, c->cap);
	}
	while (c->len < c->cap) {
		ssize_t n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n > 0) {
			c->len += (size_t)n;
			c->last_rx = clock_mono();
			continue;
		}
		if (n == 0) {
			c->eof = 1;
			return 0;
		}
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	}
	if (c->cap == st->o.buf_max)
		st->s.buf_full++; /* the rest waits in the kernel: TCP backpressure */
	return 0;
}

/* Parse a slice of the buffer. -1 when the stream became unusable. */
static int conn_parse(struct bmp_station *st, struct conn *c)
{
	size_t slice = st->o.buf_max / 4 < SLICE_MAX ? st->o.buf_max / 4 : SLICE_MAX;
	if (slice == 0)
		slice = 1;
	size_t n = c->len - c->off;
	if (n > slice)
		n = slice;
	if (n == 0)
		return 0;
	if (c->len - c->off > st->s.buf_peak)
		st->s.buf_peak = c->len - c->off;
	int r = bmp_parser_feed(c->p, c->buf + c->off, n);
	c->off = c->term ? c->len : c->off + n;
	return r;
}

/* How long poll may sleep: the next idle deadline or reconnect. */
static int next_timeout(struct bmp_station *st, int timeout_ms, double now)
{
	double wait = timeout_ms / 1000.0;
	for (size_t i = 0; i < st->nc; i++) {
		const struct conn *c = st->c[i];
		if (c->off < c->len || (c->eof && !c->connecting))
			return 0;
		if (st->o.idle_timeout > 0 && c->last_rx + st->o.idle_timeout - now < wait)
			wait = c->last_rx + st->o.idle_timeout - now;
	}
	for (size_t i = 0; i < st->nt; i++)
		if (!st->t[i].busy && st->t[i].next_try - now < wait)
			wait = st->t[i].next_try - now;
	return wait <= 0 ? 0 : (int)(wait * 1000) + 1;
}

int bmp_station_poll(struct bmp_station *st, int timeout_ms)
{
	double now = clock_mono();
	for (size_t i = 0; i < st->nt; i++)
		if (!st->t[i].busy && st->t[i].next_try <= now)
			target_try(st, i);

	/* [0]: the listener (fd -1 when none or full); then one per session */
	XGROW(st->pfd, st->pcap, st->nc + 1);
	st->pfd[0].fd =
	    st->lfd >= 0 && st->nc < st->o.max_routers && now >= st->accept_pause ? st->lfd : -1;
	st->pfd[0].events = POLLIN;
	for (size_t i = 0; i < st->nc; i++) {
		struct conn *c = st->c[i];
		struct pollfd *p = &st->pfd[i + 1];
		p->fd = c->fd, p->events = 0, p->revents = 0;
		if (c->connecting)
			p->events = POLLOUT;
		else if (!c->eof && (c->len - c->off < st->o.buf_max))
			p->events = POLLIN;
	}
	size_t npoll = st->nc;
	int n = poll(st->pfd, npoll + 1, next_timeout(st, timeout_ms, now));
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	if (st->pfd[0].fd >= 0 && (st->pfd[0].revents & POLLIN))
		accept_all(st);

	/* sessions, back to front: conn_end moves the last one into the hole */
	now = clock_mono();
	for (size_t i = npoll; i-- > 0;) {
		struct conn *c = st->c[i];
		short re = st->pfd[i + 1].revents;
		if (c->connecting) {
			if (!(re & (POLLOUT | POLLERR | POLLHUP)))
				continue;
			int err = 0;
			socklen_t el = sizeof(err);
			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
			if (err) {
				log_warn("bmp station: connect %s: %s", c->addr, strerror(err));
				conn_end(st, i, &st->s.connect_failed);
				continue;
			}
			c->connecting = 0;
			st->t[c->target].backoff = st->o.backoff_min;
			st->s.connected++;
			conn_start(st, c);
			continue;
		}
		if (!c->eof && (re & (POLLIN | POLLHUP | POLLERR)) && conn_read(st, c) != 0) {
			log_warn("bmp station: %s (%s): %s; disconnected", c->name, c->addr,
			    strerror(errno));
			conn_end(st, i, &st->s.dropped_error);
			continue;
		}
		if (conn_parse(st, c) != 0) {
			log_warn("bmp station: %s (%s): the BMP stream is unusable; disconnected",
			    c->name, c->addr);
			conn_end(st, i, &st->s.dropped_error);
			continue;
		}
		if (c->eof && c->off == c->len) {
			if (!c->term)
				bmp_parser_finish(c->p); /* a message cut short is reported */
			log_info("bmp station: %s (%s): session closed", c->name, c->addr);
			conn_end(st, i, &st->s.closed);
			continue;
		}
		if (st->o.idle_timeout > 0 && now - c->last_rx >= st->o.idle_timeout) {
			log_warn("bmp station: %s (%s): no data for %.1f s; disconnected", c->name,
			    c->addr, now - c->last_rx);
			conn_end(st, i, &st->s.dropped_idle);
		}
	}
	return 0;
}

void bmp_station_drain(struct bmp_station *st, double max_seconds)
{
	double end = clock_mono() + max_seconds;
	uint64_t before;
	do {
		struct bmp_station_stats s;
		bmp_station_stats(st, &s);
		before = s.bytes;
		int busy = 0;
		for (size_t i = 0; i < st->nc; i++)
			busy |= st->c[i]->off < st->c[i]->len;
		if (bmp_station_poll(st, 0) != 0)
			return;
		bmp_station_stats(st, &s);
		if (s.bytes == before && !busy)
			return;
	} while (clock_mono() < end);
}

void bmp_station_stats(const struct bmp_station *st, struct bmp_station_stats *out)
{
	*out = st->s;
	out->routers = 0;
	for (size_t i = 0; i < st->nc; i++) {
		const struct conn *c = st->c[i];
		if (c->p == NULL)
			continue;
		const struct bmp_stats *ps = bmp_parser_stats(c->p);
		out->routers++;
		out->messages += ps->messages;
		out->bytes += ps->bytes;
		for (int k = 0; k < BMP_BAD_KINDS; k++)
			out->malformed += ps->malformed[k];
	}
}

void bmp_station_free(struct bmp_station *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->nc; i++) {
		close(st->c[i]->fd);
		bmp_parser_free(st->c[i]->p);
		free(st->c[i]->buf);
		free(st->c[i]);
	}
	for (size_t i = 0; i < st->nt; i++) {
		free(st->t[i].spec);
		free(st->t[i].host);
		free(st->t[i].port);
	}
	if (st->lfd >= 0)
		close(st->lfd);
	free(st->t);
	free(st->c);
	free(st->pfd);
	free(st);
}
