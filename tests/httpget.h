/* A GET on 127.0.0.1 with libcurl for the tests that start a server: the body (malloc'ed,
 * NUL-terminated, "" when none) and the HTTP status (0 when nothing answered in 60 s). */
#ifndef ROUTEMARK_TESTS_HTTPGET_H
#define ROUTEMARK_TESTS_HTTPGET_H

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct body {
	char *p;
	size_t n;
};

static inline size_t http_get_body(char *p, size_t sz, size_t n, void *arg)
{
	struct body *b = arg;
	b->p = realloc(b->p, b->n + sz * n + 1);
	memcpy(b->p + b->n, p, sz * n);
	b->n += sz * n;
	b->p[b->n] = '\0';
	return sz * n;
}

static inline long http_get(unsigned port, const char *path, struct body *b)
{
	char url[1024];
	long status = 0;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	memset(b, 0, sizeof(*b));
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_get_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (b->p == NULL)
		b->p = calloc(1, 1);
	return status;
}

#endif
