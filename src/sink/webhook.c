/*
 * The webhook sink: the event's JSON POSTed with libcurl, one handle per sink (its delivery
 * thread), so the connection is kept alive between events. 2xx is delivered; 408, 429, 5xx
 * and transport errors are retried; any other status is a refusal.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "sink_private.h"

int webhook_check(struct sink *k, const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		log_err("sink: webhook %s: not a URL", url);
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		log_err("sink: webhook %s: http:// or https:// expected", url);
		goto out;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	k->type = SINK_WEBHOOK;
	k->url = xstrdup(url);
	/* the path and query of a webhook URL are often its secret (Slack's are): not shown */
	k->name =
	    xasprintf("webhook:%s://%s%s%s/...", scheme, host, port ? ":" : "", port ? port : "");
	rc = 0;
out:
	curl_free(scheme), curl_free(host), curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

struct excerpt {
	char buf[120];
	size_t len;
};

/* The first bytes of a response body, for the message of a refusal. */
static size_t keep_excerpt(char *p, size_t size, size_t n, void *arg)
{
	struct excerpt *e = arg;
	size_t total = size * n;
	for (size_t i = 0; i < total && e->len + 1 < sizeof(e->buf); i++)
		e->buf[e->len++] = isprint((unsigned char)p[i]) ? p[i] : ' ';
	e->buf[e->len] = '\0';
	return total;
}

static CURL *handle(struct sink *k)
{
	if (k->curl)
		return k->curl;
	CURL *c = curl_easy_init();
	if (c == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, k->url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "routemark/" RM_VERSION);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_excerpt);
	struct curl_slist *h = NULL;
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_PRIVATE, h);
	k->curl = c;
	return c;
}

enum sink_result webhook_deliver(
    struct sink *k, const struct sink_item *it, double timeout, char *err, size_t errsz)
{
	CURL *c = handle(k);
	if (c == NULL) {
		snprintf(err, errsz, "cannot make a libcurl handle");
		return SINK_RETRY;
	}
	struct excerpt ex = {.len = 0};
	char ebuf[CURL_ERROR_SIZE] = "";
	long ms = (long)(timeout * 1000);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms < 100 ? 100L : ms);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, it->json);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(it->json));
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &ex);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	CURLcode res = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	if (res != CURLE_OK) {
		snprintf(err, errsz, "%s", ebuf[0] ? ebuf : curl_easy_strerror(res));
		return SINK_RETRY;
	}
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300)
		return SINK_OK;
	snprintf(err, errsz, "HTTP %ld: %s", status, ex.len ? ex.buf : "(no body)");
	if (status == 408 || status == 429 || status >= 500) {
		curl_off_t ra = 0;
		if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
			k->retry_after = (double)ra;
		return SINK_RETRY;
	}
	return SINK_REFUSED;
}

void webhook_close(struct sink *k)
{
	if (k->curl == NULL)
		return;
	char *priv = NULL;
	curl_easy_getinfo(k->curl, CURLINFO_PRIVATE, &priv);
	curl_easy_cleanup(k->curl);
	curl_slist_free_all((struct curl_slist *)priv);
	k->curl = NULL;
}
