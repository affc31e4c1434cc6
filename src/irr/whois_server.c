/*
 * A small whois server: one thread, poll(2) over the listening socket, the clients and a
 * stop descriptor. Each client has an input buffer cut into lines and an output buffer
 * written as the socket accepts it; a client with pending output is not read from (so one
 * greedy client cannot make the server buffer without bound). The database is read-only.
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

struct whois_client {
	int fd;
	struct irr_buf in, out;
	size_t out_off;
	struct whois_session s;
	time_t last;
	int eof, closing;
};

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

/* Answer every complete line in the input buffer (and the tail at end of input). */
static void client_lines(struct whois_server *s, struct whois_client *c)
{
	size_t start = 0;
	while (!c->closing && start < c->in.len) {
		char *line = c->in.p + start;
		char *nl = memchr(line, '\n', c->in.len - start);
		if (nl == NULL && !c->eof)
			break;
		size_t n = nl ? (size_t)(nl - line) : c->in.len - start;
		line[n] = '\0';
		start += n + (nl != NULL);
		whois_answer(s->db, &c->s, line, &c->out);
		s->queries++;
		if (c->s.quit)
			c->closing = 1;
	}
	if (start > 0) {
		memmove(c->in.p, c->in.p + start, c->in.len - start);
		c->in.len -= start;
	}
	if (c->in.len > MAX_LINE) {
		irr_buf_puts(&c->out, "F Query too long\n");
		c->in.len = 0;
		c->closing = 1;
	}
	if (c->eof)
		c->closing = 1;
}

/* Returns -1 when the client is to be closed now. */
static int client_read(struct whois_server *s, struct whois_client *c)
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
	client_lines(s, c);
	return 0;
}

static int client_write(struct whois_server *s, struct whois_client *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n =
		    send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->out_off += (size_t)n;
	}
	c->out.len = c->out_off = 0;
	c->last = time(NULL);
	client_lines(s, c); /* lines that waited for the output to drain */
	return 0;
}

int whois_server_run(struct whois_server *s, int stop_fd)
{
	struct pollfd *pfd = xcalloc(s->maxclients + 2, sizeof(*pfd));
	int rc = 0;
	for (;;) {
		size_t n = 0;
		pfd[n++] = (struct pollfd){.fd = stop_fd, .events = POLLIN};
		pfd[n++] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
		for (size_t i = 0; i < s->nclients; i++) {
			struct whois_client *c = &s->clients[i];
			short ev = c->out.len > c->out_off ? POLLOUT : (c->closing ? 0 : POLLIN);
			pfd[n++] = (struct pollfd){.fd = c->fd, .events = ev};
		}
		int r = poll(pfd, n, 1000);
		if (r < 0 && errno != EINTR) {
			log_err("irr serve: poll: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (stop_fd >= 0 && (pfd[0].revents & POLLIN))
			break;
		time_t now = time(NULL);
		/* clients first, from the end: closing one moves the last into its place */
		for (size_t i = s->nclients; i-- > 0;) {
			struct whois_client *c = &s->clients[i];
			short re = pfd[2 + i].revents;
			int bad = 0;
			if (re & (POLLERR | POLLNVAL))
				bad = 1;
			else if (re & POLLOUT)
				bad = client_write(s, c) < 0;
			else if (re & (POLLIN | POLLHUP))
				bad = client_read(s, c) < 0;
			if (bad || (c->closing && c->out.len == c->out_off) ||
			    now - c->last > s->idle_timeout)
				client_close(s, i);
		}
		if (pfd[1].revents & POLLIN)
			accept_clients(s);
	}
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
