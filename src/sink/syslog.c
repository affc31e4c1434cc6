/*
 * The syslog sinks (RFC 5424 messages over UDP, RFC 5426; TCP with octet counting, RFC 6587
 * 3.4.1; a Unix datagram socket such as /dev/log) and the JSON-lines sink:
 *
 *   <PRI>1 TIMESTAMP HOSTNAME routemark PROCID MSGID [routemark@32473 state=".." kind=".."
 *   seq=".."] BOM TITLE — TEXT
 *
 * MSGID is the event's kind; 32473 is the example enterprise number of RFC 5612 (no number
 * is registered for routemark). The MSG is UTF-8 and so starts with a BOM (RFC 5424 6.4)
 * unless the spec says bom=0.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sink_private.h"

static const char *const facilities[] = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
    "news", "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};

int syslog_facility(const char *name)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(name, facilities[i]) == 0)
			return (int)i;
	return -1;
}

/* Printable US-ASCII (33..126) of at most max bytes, "-" when empty (RFC 5424 HOSTNAME,
 * MSGID). */
static void put_token(FILE *f, const char *s, size_t max)
{
	size_t n = 0;
	for (; s[n] && n < max; n++)
		fputc(s[n] > 32 && s[n] < 127 ? s[n] : '_', f);
	if (n == 0)
		fputc('-', f);
}

/* An SD-PARAM value: '"', '\' and ']' escaped with '\' (RFC 5424 6.3.3). */
static void put_param(FILE *f, const char *key, const char *v)
{
	fprintf(f, " %s=\"", key);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\' || *v == ']')
			fputc('\\', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

char *syslog_format(const struct sink *k, const struct sink_item *it, size_t *len)
{
	char *buf = NULL, ts[32] = "-";
	FILE *f = open_memstream(&buf, len);
	if (f == NULL)
		abort();
	time_t t = (time_t)it->time;
	struct tm tm;
	if (it->time > 0 && gmtime_r(&t, &tm))
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "<%d>1 %s ", k->facility * 8 + it->severity, ts);
	put_token(f, k->hostname, 255);
	fprintf(f, " routemark %ld ", (long)getpid());
	put_token(f, it->kind, 32);
	fputs(" [routemark@32473", f);
	put_param(f, "state", it->state);
	put_param(f, "kind", it->kind);
	char seq[24];
	snprintf(seq, sizeof(seq), "%llu", (unsigned long long)it->seq);
	put_param(f, "seq", seq);
	fputs("] ", f);
	if (k->bom)
		fputs("\xEF\xBB\xBF", f);
	fprintf(f, "%s \xE2\x80\x94 %s", it->title, it->text);
	fclose(f);
	return buf;
}

/* Cut a datagram to max bytes, not inside a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static void set_timeout(int fd, double timeout)
{
	struct timeval tv = {(time_t)timeout, (long)((timeout - (double)(time_t)timeout) * 1e6)};
	if (tv.tv_sec == 0 && tv.tv_usec < 1000)
		tv.tv_usec = 1000;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Connect a socket to HOST:PORT (UDP: connected, so errors come back); the TCP connect waits
 * at most 5 seconds (less when the set is closing). -1 with err set. */
static int connect_inet(struct sink *k, double timeout, char *err, size_t errsz)
{
	struct addrinfo hints = {0}, *res, *ai;
	hints.ai_socktype = k->type == SINK_SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM;
	int e = getaddrinfo(k->host, k->port, &hints, &res);
	if (e != 0) {
		snprintf(err, errsz, "%s: %s", k->host, gai_strerror(e));
		return -1;
	}
	int fd = -1;
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (rc < 0 && errno == EINPROGRESS) {
			struct pollfd p = {fd, POLLOUT, 0};
			int soerr = 0;
			socklen_t sl = sizeof(soerr);
			rc = poll(&p, 1, timeout < 5 ? (int)(timeout * 1000) + 1 : 5000);
			if (rc == 0)
				errno = ETIMEDOUT;
			if (rc > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0)
				errno = soerr;
			rc = rc > 0 && soerr == 0 ? 0 : -1;
		}
		if (rc < 0) {
			snprintf(err, errsz, "connect to %s port %s: %s", k->host, k->port,
			    strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

static int connect_unix(struct sink *k, char *err, size_t errsz)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", k->path);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	snprintf(err, errsz, "connect to %s: %s", k->path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* 1 when the TCP peer has closed (or sent something, which syslog receivers never do): the
 * connection is to be made again before writing, or the message would go to a dead socket. */
static int peer_gone(int fd)
{
	struct pollfd p = {fd, POLLIN | POLLRDHUP, 0};
	return poll(&p, 1, 0) > 0 && p.revents != 0;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

enum sink_result syslog_deliver(
    struct sink *k, const struct sink_item *it, double timeout, char *err, size_t errsz)
{
	if (k->hostname[0] == '\0' && gethostname(k->hostname, sizeof(k->hostname) - 1) != 0)
		k->hostname[0] = '\0';
	if (k->fd >= 0 && k->type == SINK_SYSLOG_TCP && peer_gone(k->fd)) {
		close(k->fd);
		k->fd = -1;
	}
	if (k->fd < 0) {
		k->fd = k->type == SINK_SYSLOG_UNIX ? connect_unix(k, err, errsz)
		                                    : connect_inet(k, timeout, err, errsz);
		if (k->fd < 0)
			return SINK_RETRY;
		/* blocking again, bounded by SO_SNDTIMEO */
		fcntl(k->fd, F_SETFL, fcntl(k->fd, F_GETFL) & ~O_NONBLOCK);
	}
	set_timeout(k->fd, timeout);
	size_t len;
	char *msg = syslog_format(k, it, &len);
	int rc;
	if (k->type == SINK_SYSLOG_TCP) {
		char hdr[24];
		int h = snprintf(hdr, sizeof(hdr), "%zu ", len);
		rc = send_all(k->fd, hdr, (size_t)h) < 0 || send_all(k->fd, msg, len) < 0 ? -1 : 0;
	} else {
		rc =
		    send(k->fd, msg, utf8_cut(msg, len, SINK_DGRAM_MAX), MSG_NOSIGNAL) < 0 ? -1 : 0;
	}
	free(msg);
	if (rc < 0) {
		snprintf(err, errsz, "send to %s: %s", k->name, strerror(errno));
		close(k->fd);
		k->fd = -1;
		return SINK_RETRY;
	}
	return SINK_OK;
}

enum sink_result jsonl_deliver(
    struct sink *k, const struct sink_item *it, double timeout, char *err, size_t errsz)
{
	int fd = strcmp(k->path, "-") == 0 ? 1 : k->fd;
	if (fd < 0) {
		k->fd = fd = open(k->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0) {
			snprintf(err, errsz, "%s: %s", k->path, strerror(errno));
			return SINK_RETRY;
		}
	}
	/* a line cut short by a failed write (disk full) is ended first */
	if (k->partial && write(fd, "\n", 1) == 1)
		k->partial = 0;
	/* one write of the line and its newline, so concurrent writers do not interleave */
	size_t n = strlen(it->json);
	char *line = xmalloc(n + 1);
	memcpy(line, it->json, n);
	line[n] = '\n';
	size_t off = 0;
	while (off < n + 1) {
		ssize_t w = write(fd, line + off, n + 1 - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(line);
	if (off < n + 1) {
		snprintf(err, errsz, "write to %s: %s", k->path, strerror(errno));
		k->partial = off > 0;
		return SINK_RETRY;
	}
	return SINK_OK;
}

void syslog_close(struct sink *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}
