/*
 * The bus: the URL, the counters, and the calls handed to the engine the URL names.
 */
#include <stdlib.h>
#include <string.h>

#include "bus/bus_private.h"

static int name_ok(const char *s, int dots)
{
	if (*s == '\0' || strlen(s) > 200)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		        (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || (dots && *s == '.')))
			return 0;
	return 1;
}

static int param_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

static int parse_params(char *q, struct bus_url *u, const char **err)
{
	for (char *save = NULL, *kv = strtok_r(q, "&", &save); kv;
	     kv = strtok_r(NULL, "&", &save)) {
		char *v = strchr(kv, '=');
		if (v == NULL) {
			*err = "a parameter without '='";
			return -1;
		}
		*v++ = '\0';
		if (strcmp(kv, "replicas") == 0 && u->kind == BUS_NATS) {
			if (param_int(v, 1, 5, &u->replicas) != 0) {
				*err = "replicas: not 1..5";
				return -1;
			}
		} else if (strcmp(kv, "ack_wait") == 0 && u->kind == BUS_NATS) {
			if (param_int(v, 1, 86400, &u->ack_wait) != 0) {
				*err = "ack_wait: not 1..86400 seconds";
				return -1;
			}
		} else if (strcmp(kv, "partitions") == 0) {
			if (param_int(v, 1, u->kind == BUS_NATS ? BUS_NATS_PARTITIONS_MAX : 10000,
			        &u->partitions) != 0) {
				*err = u->kind == BUS_NATS ? "partitions: not 1..1024"
				                           : "partitions: not 1..10000";
				return -1;
			}
		} else {
			*err = u->kind == BUS_NATS ? "unknown parameter (nats: replicas, ack_wait, "
			                             "partitions)"
			                           : "unknown parameter (kafka: partitions)";
			return -1;
		}
	}
	return 0;
}

static int parse_servers(char *s, struct bus_url *u, const char **err)
{
	for (char *save = NULL, *hp = strtok_r(s, ",", &save); hp;
	     hp = strtok_r(NULL, ",", &save)) {
		char *host, *port;
		if (hostport_split(hp, &host, &port, err) != 0)
			return -1;
		free(host);
		free(port);
		u->servers = xreallocarray(u->servers, u->nservers + 1, sizeof(*u->servers));
		u->servers[u->nservers++] = xstrdup(hp);
	}
	if (u->nservers == 0) {
		*err = "no HOST:PORT";
		return -1;
	}
	return 0;
}

int bus_url_parse(const char *url, struct bus_url *u, const char **err)
{
	memset(u, 0, sizeof(*u));
	u->replicas = 1, u->ack_wait = 30;
	const char *rest;
	if (strncmp(url, "nats://", 7) == 0)
		u->kind = BUS_NATS, rest = url + 7;
	else if (strncmp(url, "kafka://", 8) == 0)
		u->kind = BUS_KAFKA, rest = url + 8;
	else {
		*err = "not nats:// or kafka://";
		return -1;
	}
	char *copy = xstrdup(rest);
	char *slash = strchr(copy, '/'), *q = NULL;
	int rc = -1;
	if (slash == NULL) {
		*err = u->kind == BUS_NATS ? "no /STREAM" : "no /TOPIC";
		goto out;
	}
	*slash = '\0';
	if ((q = strchr(slash + 1, '?')) != NULL)
		*q++ = '\0';
	if (!name_ok(slash + 1, u->kind == BUS_KAFKA)) {
		*err = u->kind == BUS_NATS ? "the stream name is empty or has characters other "
		                             "than letters, digits, '-' and '_'"
		                           : "the topic name is empty or has characters other "
		                             "than letters, digits, '.', '-' and '_'";
		goto out;
	}
	u->name = xstrdup(slash + 1);
	if (parse_servers(copy, u, err) != 0 || (q && parse_params(q, u, err) != 0))
		goto out;
	rc = 0;
out:
	free(copy);
	if (rc != 0)
		bus_url_free(u);
	return rc;
}

void bus_url_free(struct bus_url *u)
{
	for (size_t i = 0; i < u->nservers; i++)
		free(u->servers[i]);
	free(u->servers);
	free(u->name);
	memset(u, 0, sizeof(*u));
}

void bus_count(struct bus *b, uint64_t *field, uint64_t n)
{
	pthread_mutex_lock(&b->mu);
	*field += n;
	pthread_mutex_unlock(&b->mu);
}

void bus_fail(struct bus *b, const char *what)
{
	pthread_mutex_lock(&b->mu);
	b->st.failed++;
	free(b->err);
	b->err = xstrdup(what);
	pthread_mutex_unlock(&b->mu);
}

struct bus *bus_open(const char *url)
{
	struct bus_url u;
	const char *err;
	if (bus_url_parse(url, &u, &err) != 0) {
		log_err("bus %s: %s", url, err);
		return NULL;
	}
	struct bus *b = xcalloc(1, sizeof(*b));
	b->kind = u.kind, b->u = u, b->url = xstrdup(url);
	pthread_mutex_init(&b->mu, NULL);
	int rc = b->kind == BUS_NATS ? bus_nats_open(b) : bus_kafka_open(b);
	if (rc != 0) {
		bus_close(b);
		return NULL;
	}
	return b;
}

enum bus_kind bus_kind(const struct bus *b)
{
	return b->kind;
}

int bus_publish(struct bus *b, const char *key, const void *msg, size_t len, uint64_t msg_id)
{
	size_t kl = key ? strlen(key) : 0;
	if (kl == 0 || kl > BUS_KEY_MAX) {
		log_err("bus %s: a key of 1..%d bytes is needed", b->url, BUS_KEY_MAX);
		return -1;
	}
	int rc = b->kind == BUS_NATS ? bus_nats_publish(b, key, msg, len, msg_id)
	                             : bus_kafka_publish(b, key, msg, len, msg_id);
	if (rc == 0)
		bus_count(b, &b->st.published, 1);
	return rc;
}

int bus_flush(struct bus *b, int timeout_ms)
{
	int rc =
	    b->kind == BUS_NATS ? bus_nats_flush(b, timeout_ms) : bus_kafka_flush(b, timeout_ms);
	pthread_mutex_lock(&b->mu);
	uint64_t failed = b->st.failed - b->failed_seen;
	b->failed_seen = b->st.failed;
	if (failed)
		log_err("bus %s: %llu messages failed to publish (last: %s)", b->url,
		    (unsigned long long)failed, b->err ? b->err : "?");
	pthread_mutex_unlock(&b->mu);
	return rc == 0 && failed == 0 ? 0 : -1;
}

int bus_consume(struct bus *b, const char *durable_name, bus_handler fn, void *arg)
{
	return bus_consume_shard(b, durable_name, 0, 1, fn, arg);
}

int bus_consume_shard(struct bus *b, const char *durable_name, unsigned shard, unsigned nshards,
    bus_handler fn, void *arg)
{
	if (!name_ok(durable_name, 0)) {
		log_err("bus %s: consumer name '%s': letters, digits, '-' and '_' only", b->url,
		    durable_name);
		return -1;
	}
	if (nshards == 0 || shard >= nshards) {
		log_err("bus %s: shard %u of %u: no such shard", b->url, shard, nshards);
		return -1;
	}
	if (nshards > 1 && b->kind == BUS_KAFKA) {
		log_err("bus %s: Kafka spreads the partitions over the members of a consumer group "
		        "by itself: start every evaluator with the same consumer name and no shard",
		    b->url);
		return -1;
	}
	if (nshards > 1 && (unsigned)b->u.partitions < nshards) {
		log_err("bus %s: %u shards need at least as many partitions (?partitions=N in the "
		        "URL of collectors and evaluators alike; now %d)",
		    b->url, nshards, b->u.partitions);
		return -1;
	}
	b->fn = fn, b->arg = arg;
	return b->kind == BUS_NATS ? bus_nats_consume(b, durable_name, shard, nshards)
	                           : bus_kafka_consume(b, durable_name);
}

int bus_consume_key(
    struct bus *b, const char *durable_name, const char *key, bus_handler fn, void *arg)
{
	if (!name_ok(durable_name, 0)) {
		log_err("bus %s: consumer name '%s': letters, digits, '-' and '_' only", b->url,
		    durable_name);
		return -1;
	}
	if (b->kind != BUS_NATS) {
		log_err("bus %s: a consumer of one key needs NATS JetStream", b->url);
		return -1;
	}
	b->fn = fn, b->arg = arg;
	return bus_nats_consume_key(b, durable_name, key);
}

int bus_consumer_delete(struct bus *b, const char *durable_name)
{
	b->fn = NULL;
	return b->kind == BUS_NATS ? bus_nats_consumer_delete(b, durable_name) : 0;
}

int bus_purge_key(struct bus *b, const char *key)
{
	return b->kind == BUS_NATS ? bus_nats_purge_key(b, key) : 0;
}

void bus_set_fetch(struct bus *b, int n)
{
	b->fetch = n;
}

void bus_progress(struct bus *b)
{
	if (b->kind == BUS_NATS)
		bus_nats_progress(b);
}

int bus_partition_of(const struct bus *b, const char *key)
{
	return b->u.partitions > 0 ? bus_key_partition(key, b->u.partitions) : -1;
}

int bus_key_partition(const char *key, int partitions)
{
	return (int)(hash_bytes(key, strlen(key), 0x726d6275u) % (uint32_t)partitions);
}

int bus_poll(struct bus *b, int timeout_ms)
{
	if (b->fn == NULL) {
		log_err("bus %s: bus_poll before bus_consume", b->url);
		return -1;
	}
	return b->kind == BUS_NATS ? bus_nats_poll(b, timeout_ms) : bus_kafka_poll(b, timeout_ms);
}

void bus_stats(const struct bus *b, struct bus_stats *st)
{
	pthread_mutex_lock((pthread_mutex_t *)&b->mu);
	*st = b->st;
	pthread_mutex_unlock((pthread_mutex_t *)&b->mu);
}

void bus_close(struct bus *b)
{
	if (b == NULL)
		return;
	if (b->kind == BUS_NATS)
		bus_nats_close(b);
	else
		bus_kafka_close(b);
	bus_url_free(&b->u);
	pthread_mutex_destroy(&b->mu);
	free(b->err);
	free(b->url);
	free(b);
}
