/* bus internals: the parsed URL, the shared state and the two engines' entry points. */
#ifndef ROUTEMARK_BUS_PRIVATE_H
#define ROUTEMARK_BUS_PRIVATE_H

#include <pthread.h>

#include "bus/bus.h"

struct bus_url {
	enum bus_kind kind;
	char **servers; /* "HOST:PORT" each */
	size_t nservers;
	char *name;     /* stream or topic */
	int replicas;   /* nats: stream replicas (1 when not given) */
	int partitions; /* kafka: partitions to create the topic with (0: not created);
	                   nats: subjects STREAM.<partition>.<key> (0: STREAM.<key>) */
	int ack_wait;   /* nats: seconds a delivered message waits for its ack (30) */
};

struct bus_nats;
struct bus_kafka;

struct bus {
	enum bus_kind kind;
	char *url; /* as given, for messages */
	struct bus_url u;
	pthread_mutex_t mu; /* st and err: the libraries' threads call back */
	struct bus_stats st;
	uint64_t failed_seen; /* st.failed at the last bus_flush */
	char *err;            /* the engine's last message of a failed publish */
	bus_handler fn;
	void *arg;
	int fetch; /* bus_set_fetch; 0: the engine's default */
	struct bus_nats *nats;
	struct bus_kafka *kafka;
};

/* 0, or -1 with *err (static text). */
int bus_url_parse(const char *url, struct bus_url *u, const char **err);
void bus_url_free(struct bus_url *u);

/* Counters and the last error, under the mutex. */
void bus_count(struct bus *b, uint64_t *field, uint64_t n);
void bus_fail(struct bus *b, const char *what);

int bus_nats_open(struct bus *b);
int bus_nats_publish(struct bus *b, const char *key, const void *msg, size_t len, uint64_t id);
int bus_nats_flush(struct bus *b, int timeout_ms);
int bus_nats_consume(struct bus *b, const char *durable, unsigned shard, unsigned nshards);
int bus_nats_poll(struct bus *b, int timeout_ms);
int bus_nats_consume_key(struct bus *b, const char *durable, const char *key);
int bus_nats_consumer_delete(struct bus *b, const char *durable);
void bus_nats_progress(struct bus *b);
int bus_nats_purge_key(struct bus *b, const char *key);
void bus_nats_close(struct bus *b);

int bus_kafka_open(struct bus *b);
int bus_kafka_publish(struct bus *b, const char *key, const void *msg, size_t len, uint64_t id);
int bus_kafka_flush(struct bus *b, int timeout_ms);
int bus_kafka_consume(struct bus *b, const char *durable);
int bus_kafka_poll(struct bus *b, int timeout_ms);
void bus_kafka_close(struct bus *b);

#endif
