/*
 * A small HTTP server of Prometheus text metrics at /metrics (libmicrohttpd, its own thread),
 * for `routemark monitor --http`. The owner renders the text and hands it over under a mutex
 * (serve_metrics_set); a scrape copies it, so the HTTP thread never touches live state.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/core.h"
#include "serve/serve.h"

struct serve_metrics {
	struct MHD_Daemon *d;
	pthread_mutex_t mu;
	char *text;
	unsigned port;
};

static enum MHD_Result on_request(void *arg, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload, size_t *upload_size, void **state)
{
	(void)version, (void)upload, (void)upload_size, (void)state;
	struct serve_metrics *h = arg;
	unsigned status = MHD_HTTP_OK;
	char *body;
	const char *type = "text/plain; version=0.0.4; charset=utf-8";
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
		body = xstrdup("only GET\n");
	} else if (strcmp(url, "/metrics") == 0) {
		pthread_mutex_lock(&h->mu);
		body = xstrdup(h->text ? h->text : "");
		pthread_mutex_unlock(&h->mu);
	} else if (strcmp(url, "/") == 0) {
		body = xstrdup("routemark monitor: Prometheus metrics at /metrics\n");
	} else {
		status = MHD_HTTP_NOT_FOUND;
		body = xstrdup("not found: the monitor serves /metrics\n");
	}
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", type);
	enum MHD_Result rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static int listen_on(const char *spec, unsigned *port)
{
	char *host, *portstr;
	const char *err;
	/* port 0 (any free port, for tests) is no port to connect to, which hostport_split
	 * checks for: split ADDR:1 and ask for 0 */
	size_t n = strlen(spec);
	char *s = xstrdup(spec);
	int any = n >= 2 && strcmp(spec + n - 2, ":0") == 0;
	if (any)
		s[n - 1] = '1';
	int rc = hostport_split(s, &host, &portstr, &err);
	free(s);
	if (rc != 0) {
		log_err("--http %s: %s", spec, err);
		return -1;
	}
	if (any)
		portstr[0] = '0';
	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	int gai = getaddrinfo(host, portstr, &hints, &ai);
	free(host);
	free(portstr);
	if (gai != 0) {
		log_err("--http %s: %s (a numeric address is expected)", spec, gai_strerror(gai));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 64) != 0) {
		log_err("--http %s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	*port = 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		char serv[16];
		if (getnameinfo((struct sockaddr *)&ss, sl, NULL, 0, serv, sizeof(serv),
		        NI_NUMERICSERV) == 0)
			*port = (unsigned)atoi(serv);
	}
	return fd;
}

struct serve_metrics *serve_metrics_start(const char *spec)
{
	unsigned port;
	int fd = listen_on(spec, &port);
	if (fd < 0)
		return NULL;
	struct serve_metrics *h = xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->mu, NULL);
	h->port = port;
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL, NULL,
	    on_request, h, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)10, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_END);
	if (h->d == NULL) {
		log_err("--http %s: cannot serve on this socket", spec);
		close(fd);
		pthread_mutex_destroy(&h->mu);
		free(h);
		return NULL;
	}
	return h;
}

unsigned serve_metrics_port(const struct serve_metrics *h)
{
	return h->port;
}

void serve_metrics_set(struct serve_metrics *h, char *text)
{
	pthread_mutex_lock(&h->mu);
	free(h->text);
	h->text = text;
	pthread_mutex_unlock(&h->mu);
}

void serve_metrics_stop(struct serve_metrics *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	pthread_mutex_destroy(&h->mu);
	free(h->text);
	free(h);
}
