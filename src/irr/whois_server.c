/*
 * A small whois server: one thread, poll(2) over the listening socket, the clients and a
 * stop descriptor. Each client has an input buffer cut into lines and an output buffer
 * written as the socket accepts it. The database is read-only.
 *
 * Fairness and bounds: every turn of the loop answers at most one query per client (round
 * robin), so a client that pipelines hundreds of expensive expansions delays another
 * client's query by at most one expansion; a client's next query waits while more than
 * OUT_HIGH bytes of its output are pending (it has to read first); one answer that would
 * leave more than max_pending bytes pending is refused with an "F" error; a client that
 * reads nothing for idle_timeout seconds is disconnected; input is read only while less
 * than a line limit is buffered. Every refusal and disconnection is logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "irr/irr_private.h"

#define MAX_CLIENTS 64
#define MAX_LINE 4096
#define IDLE_TIMEOUT 60
#define OUT_HIGH (256 * 1024) /* answer the next query only below this much pending */

struct whois_client {
	int fd;
	struct irr_buf in, out;
	size_t out_off;
	struct whois_session s;
	time_t last;
	int eof, closing;
};

static size_t pending(const struct whois_client *c)
{
	return c->out.len - c->out_off;
}

int whois_server_listen(struct whois_server *s, const struct irr_db *db, const char *addr)
{
	char *host, *port;
	const char *why;
	struct addrinfo hints, *res, *rp;
	memset(s, 0, sizeof(*s));
	s->db = db;
	s->lfd = -1;
	s->maxclients = MAX_CLIENTS;
	s->idle_timeout = IDLE_TIMEOUT;
	s->max_pending = WHOIS_MAX_PENDING;
	if (hostport_split(addr, &host, &port, &why) != 0) {
		log_err("irr serve: bad listen address \"%s\": %s", addr, why);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	int e = getaddrinfo(host, port, &hints, &res);
	free(host);
	free(port);
	if (e != 0) {
		log_err("irr serve: %s: %s", addr, gai_strerror(e));
		return -1;
	}
	for (rp = res; rp; rp = rp->ai_next) {
		int fd = socket(rp->ai_family, rp->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, rp->ai_addr, rp->ai_addrlen) == 0 && listen(fd, 64) == 0) {
			s->lfd = fd;
			break;
		}
		e = errno;
		close(fd);
		errno = e;
	}
	freeaddrinfo(res);
	if (s->lfd < 0) {
		log_err("irr serve: cannot listen on %s: %s", addr, strerror(errno));
		return -1;
	}
	s->clients = xcalloc(s->maxclients, sizeof(*s->clients));
	return 0;
}

static void client_close(struct whois_server *s, size_t i)
{
	struct whois_client *c = &s->clients[i];
	close(c->fd);
	irr_buf_free(&c->in);
	irr_buf_free(&c->out);
	s->clients[i] = s->clients[--s->nclients];
	memset(&s->clients[s->nclients], 0, sizeof(*c));
}

static void accept_clients(struct whois_server *s)
{
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (s->nclients >= s->maxclients) {
			static const char busy[] = "F Too many connections\n";
			if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL) < 0)
				log_debug("irr serve: refusing a client: %s", strerror(errno));
			close(fd);
			continue;
		}
		struct whois_client *c = &s->clients[s->nclients++];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->last = time(NULL);
		s->connections++;
	}
}

/* Whether a complete query line (or the tail at end of input) waits in c->in. */
static int has_line(const struct whois_client *c)
{
	return c->in.len > 0 && (c->eof || memchr(c->in.p, '\n', c->in.len) != NULL);
}

/* The client may be given its next answer now. */
static int can_answer(const struct whois_client *c)
{
	return !c->closing && pending(c) < OUT_HIGH && has_line(c);
}

/* Answer at most one query of c: its share of this turn. */
static void client_turn(struct whois_server *s, struct whois_client *c, struct irr_buf *ans)
{
	if (!can_answer(c)) {
		if (!c->closing && c->in.len > MAX_LINE && !has_line(c)) {
			irr_buf_puts(&c->out, "F Query too long\n");
			log_warn("irr serve: client %d: query longer than %d bytes: closing", c->fd,
			    MAX_LINE);
			c->in.len = 0;
			c->closing = 1;
		}
		if (c->eof && c->in.len == 0)
			c->closing = 1;
		return;
	}
	char *line = c->in.p, *nl = memchr(line, '\n', c->in.len);
	size_t n = nl ? (size_t)(nl - line) : c->in.len;
	line[n] = '\0';
	if (n > MAX_LINE) {
		irr_buf_puts(&c->out, "F Query too long\n");
		c->closing = 1;
	} else {
		ans->len = 0;
		whois_answer(s->db, &c->s, line, ans);
		s->queries++;
		if (pending(c) + ans->len > s->max_pending) {
			log_warn("irr serve: client %d: answer to \"%.80s\" is %zu bytes with %zu "
			         "pending (limit %zu): refused",
			    c->fd, line, ans->len, pending(c), s->max_pending);
			irr_buf_printf(&c->out, "F Response too large (%zu bytes, limit %zu)\n",
			    ans->len, s->max_pending);
			s->refused++;
		} else {
			if (c->out_off > 0) { /* keep the buffer to what is pending */
				memmove(c->out.p, c->out.p + c->out_off, pending(c));
				c->out.len -= c->out_off;
				c->out_off = 0;
			}
			if (ans->len) /* "!!" answers nothing */
				irr_buf_append(&c->out, ans->p, ans->len);
		}
		if (c->s.quit)
			c->closing = 1;
	}
	size_t used = n + (nl != NULL);
	memmove(c->in.p, c->in.p + used, c->in.len - used);
	c->in.len -= used;
	if (pending(c) > s->peak_pending)
		s->peak_pending = pending(c);
	c->last = time(NULL);
	if (c->eof && c->in.len == 0)
		c->closing = 1;
}

/* Returns -1 when the client is to be closed now. */
static int client_read(struct whois_client *c)
{
	char buf[4096];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		c->eof = 1;
	else
		irr_buf_append(&c->in, buf, (size_t)n);
	c->last = time(NULL);
	return 0;
}

static int client_write(struct whois_client *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n =
		    send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->out_off += (size_t)n;
		c->last = time(NULL); /* progress: a slow reader is not an idle one */
	}
	c->out.len = c->out_off = 0;
	return 0;
}

int whois_server_run(struct whois_server *s, int stop_fd)
{
	struct pollfd *pfd = xcalloc(s->maxclients + 2, sizeof(*pfd));
	struct irr_buf ans = {0};
	int rc = 0;
	for (;;) {
		size_t n = 0;
		int work = 0; /* a client has a query to answer: do not sleep in poll */
		pfd[n++] = (struct pollfd){.fd = stop_fd, .events = POLLIN};
		pfd[n++] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
		for (size_t i = 0; i < s->nclients; i++) {
			struct whois_client *c = &s->clients[i];
			short ev = 0;
			if (pending(c))
				ev |= POLLOUT;
			if (!c->closing && !c->eof && c->in.len <= MAX_LINE)
				ev |= POLLIN;
			work |= can_answer(c);
			pfd[n++] = (struct pollfd){.fd = c->fd, .events = ev};
		}
		int r = poll(pfd, n, work ? 0 : 1000);
		if (r < 0 && errno != EINTR) {
			log_err("irr serve: poll: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (r < 0)
			continue;
		if (stop_fd >= 0 && (pfd[0].revents & POLLIN))
			break;
		time_t now = time(NULL);
		/* clients first, from the end: closing one moves the last into its place */
		for (size_t i = s->nclients; i-- > 0;) {
			struct whois_client *c = &s->clients[i];
			short re = pfd[2 + i].revents;
			int bad = (re & (POLLERR | POLLNVAL)) != 0;
			if (!bad && (re & POLLOUT))
				bad = client_write(c) < 0;
			if (!bad && (re & (POLLIN | POLLHUP)) && !c->eof && !c->closing &&
			    c->in.len <= MAX_LINE)
				bad = client_read(c) < 0;
			if (!bad)
				client_turn(s, c, &ans);
			if (!bad && now - c->last > s->idle_timeout) {
				if (pending(c)) {
					log_warn("irr serve: client %d read nothing of %zu bytes "
					         "pending for %d s: disconnected",
					    c->fd, pending(c), s->idle_timeout);
					s->dropped++;
				}
				bad = 1;
			}
			if (bad || (c->closing && pending(c) == 0))
				client_close(s, i);
		}
		if (pfd[1].revents & POLLIN)
			accept_clients(s);
	}
	irr_buf_free(&ans);
	free(pfd);
	return rc;
}

void whois_server_close(struct whois_server *s)
{
	while (s->nclients > 0)
		client_close(s, s->nclients - 1);
	free(s->clients);
	if (s->lfd >= 0)
		close(s->lfd);
	s->clients = NULL;
	s->lfd = -1;
}
