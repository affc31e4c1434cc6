/*
 * bus — a message bus between machines, one small interface over two engines: NATS
 * JetStream (libnats) and Kafka (librdkafka). Collectors publish route events on it, one
 * ordered stream per key (a router); evaluators consume them with durable consumers.
 * docs/scaling.md ("The bus", "Route events") has the semantics and the event format.
 *
 *   nats://HOST:PORT[,HOST:PORT...]/STREAM[?replicas=N&ack_wait=S&partitions=P]
 *       the JetStream stream STREAM (subjects STREAM.>, file storage, N replicas, created
 *       when absent); a key is the subject STREAM.<key> (characters other than letters,
 *       digits, '-' and '_' become '_'), with P partitions STREAM.<p>.<key>.
 *   kafka://HOST:PORT[,HOST:PORT...]/TOPIC[?partitions=N]
 *       the topic TOPIC (created with N partitions when N is given and it is absent); a key
 *       is the message key, so the partitioner puts every message of a key in one partition.
 *
 * Publishing is asynchronous: bus_publish queues, the engine acknowledges later,
 * bus_flush waits for every acknowledgement. msg_id, unique per key, makes a publish
 * idempotent (JetStream: the Nats-Msg-Id header "<key>:<msg_id>", de-duplicated by the
 * stream within its window; Kafka: the idempotent producer, and the id in the header
 * "rm-msg-id" for consumers). A publish that fails is sent again (JetStream: up to
 * BUS_PUBLISH_TRIES times; Kafka: by librdkafka until message.timeout.ms) and then
 * counted as failed and reported by bus_flush: never silently lost.
 *
 * Consuming: bus_consume names a durable consumer (JetStream: a pull consumer with
 * explicit acks; Kafka: a consumer group with manual commits); bus_poll hands messages to
 * the handler in order per key and acknowledges each one whose handler returned 0. A
 * handler returning non-zero ends the round: that message and the rest of the round are
 * not acknowledged and come again (JetStream: negatively acknowledged; Kafka: the partition
 * is sought back to it).
 *
 * Errors are logged once where they happen, naming the URL and the server's message. The
 * libraries reconnect by themselves (NATS: every server of the URL, 250 ms apart, for ever;
 * Kafka: 250 ms doubling to 5 s).
 * One thread uses a bus; the libraries' own threads only call back into it.
 */
#ifndef ROUTEMARK_BUS_H
#define ROUTEMARK_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* JetStream: sends of a message before it counts as failed (over a minute at least: 0.25 s
 * growing to 2 s apart). */
#define BUS_PUBLISH_TRIES 40
#define BUS_KEY_MAX 255 /* bytes of a key */
#define BUS_NATS_PARTITIONS_MAX 1024

enum bus_kind { BUS_NATS = 1, BUS_KAFKA };

struct bus;

/* One message as the handler sees it; valid during the call. */
struct bus_msg {
	const char *key; /* NUL-terminated ("" when the message had none) */
	const void *data;
	size_t len;
	uint64_t msg_id;     /* the publisher's id (0 when absent) */
	uint64_t position;   /* JetStream: stream sequence; Kafka: partition offset */
	int partition;       /* Kafka: the partition; JetStream: 0 */
	uint64_t deliveries; /* JetStream: 1 the first time; Kafka: 0 (unknown) */
};

/* 0: processed (acknowledged); non-zero: not now (delivered again later). */
typedef int (*bus_handler)(void *arg, const struct bus_msg *m);

struct bus_stats {
	uint64_t published;  /* bus_publish calls accepted */
	uint64_t acked;      /* acknowledged by the engine */
	uint64_t duplicates; /* JetStream: acknowledged as duplicates (de-duplicated) */
	uint64_t retried;    /* sent again after an error or a time-out */
	uint64_t failed;     /* given up (reported by bus_flush) */
	uint64_t delivered;  /* handed to the handler */
	uint64_t consumed;   /* acknowledged (handler returned 0) */
	uint64_t refused;    /* handler returned non-zero */
};

/* Connect; for JetStream, create the stream when absent. NULL on error (logged, naming the
 * URL and the server's message). */
struct bus *bus_open(const char *url);
enum bus_kind bus_kind(const struct bus *b);

/* Queue one message of key (1..BUS_KEY_MAX bytes). 0, or -1 (logged) when it could not be
 * queued (the engine unreachable longer than the queue can hold). */
int bus_publish(struct bus *b, const char *key, const void *msg, size_t len, uint64_t msg_id);
/* Wait up to timeout_ms for every published message to be acknowledged. 0 when all were
 * (since the last bus_flush); -1 when some failed (logged with the engine's message) or were
 * still waiting at the time-out. */
int bus_flush(struct bus *b, int timeout_ms);

/* Attach the durable consumer durable_name (created when absent; JetStream: delivering from
 * the stream's start, acknowledgements waited for ack_wait seconds, 30 by default). 0, or -1
 * (logged). */
int bus_consume(struct bus *b, const char *durable_name, bus_handler fn, void *arg);
/* The same for one shard of nshards evaluators that share the work: JetStream with
 * ?partitions=P (P >= nshards) puts a key on the subject STREAM.<p>.<key>, p = bus_partition_of;
 * shard s takes the partitions p with p % nshards == s, through one durable consumer each
 * ("<durable_name>-p<p>", filtered on STREAM.<p>.>), so every key goes to exactly one shard and
 * keeps its order. nshards 1 is bus_consume. Kafka refuses nshards > 1: the members of one
 * consumer group share the partitions by themselves. 0, or -1 (logged). */
int bus_consume_shard(struct bus *b, const char *durable_name, unsigned shard, unsigned nshards,
    bus_handler fn, void *arg);
/* JetStream: the durable consumer durable_name of the messages of one key only (its
 * subject), replacing the bus's consumer; Kafka: -1 (a partition holds many keys). */
int bus_consume_key(
    struct bus *b, const char *durable_name, const char *key, bus_handler fn, void *arg);
/* Drop the bus's consumer and delete the durable consumer durable_name at the server (gone
 * already is fine). 0, or -1 (logged). */
int bus_consumer_delete(struct bus *b, const char *durable_name);
/* JetStream: remove every message of key from the stream (read and done with: the routes of
 * a batch's file once the coordinator took them). Kafka: nothing (retention removes them).
 * 0, or -1 (logged as a warning). */
int bus_purge_key(struct bus *b, const char *key);
/* Messages a poll fetches at most (JetStream; default 256): 1 for a work queue whose jobs are
 * long, so that the others stay for other consumers. */
void bus_set_fetch(struct bus *b, int n);
/* From a handler: the message is still being worked on (JetStream: its acknowledgement wait
 * starts again, so a long job is not delivered to another consumer meanwhile). */
void bus_progress(struct bus *b);
/* The partition of key (JetStream with ?partitions=P: a hash of the key modulo P; the same on
 * every machine), or -1 without partitions (Kafka's own partitioner places keys). */
int bus_partition_of(const struct bus *b, const char *key);
/* The partition of key among partitions (> 0), as bus_partition_of computes it. */
int bus_key_partition(const char *key, int partitions);
/* Wait up to timeout_ms for messages and hand them to the handler. Returns how many were
 * acknowledged (acknowledgements reach the engine before it returns), or -1 (logged). */
int bus_poll(struct bus *b, int timeout_ms);

void bus_stats(const struct bus *b, struct bus_stats *st);
/* Close (without flushing: call bus_flush first) and free. NULL is fine. */
void bus_close(struct bus *b);

/* ------------------------------------------------------------ route events (event.c) */

/* One route change of a router, view and peer, as collectors publish it, or the end of a
 * peer's session (down: BUS_DOWN_PEER, every route of the peer in every view of the router is
 * gone) or of the router's (BUS_DOWN_ROUTER, every route of the router; the peer fields are
 * zero); a down event has no prefix, path id or attributes. Arrays point into the event's own
 * storage (decode) or the caller's (encode). */
enum bus_down { BUS_DOWN_NONE = 0, BUS_DOWN_PEER, BUS_DOWN_ROUTER };

struct bus_event {
	const char *router; /* 1..255 bytes, no NUL */
	uint64_t seq;       /* per router: (collector start time << 32) + count */
	int64_t time_sec;   /* of the change (the station's clock or the record's) */
	uint32_t time_usec;
	uint8_t view;      /* enum bmp_view */
	uint8_t peer_type; /* enum bmp_peer_type */
	uint8_t peer_flags;
	uint8_t peer_rd[8];
	uint8_t peer_afi; /* AFI_IPV4 / AFI_IPV6 */
	uint8_t peer_addr[16];
	uint32_t peer_as, peer_bgp_id;
	int down; /* enum bus_down */
	struct prefix prefix;
	int has_path_id;
	uint32_t path_id;
	int withdraw; /* 1: a withdrawal; nothing below is set */
	uint8_t origin;
	uint8_t nh_len; /* 0, 4 or 16 */
	uint8_t nexthop[16];
	int has_med, has_local_pref;
	uint32_t med, local_pref;
	const uint32_t *path; /* AS path words (core flat format) */
	uint32_t npath;
	const uint32_t *comm; /* communities, one word each */
	uint32_t ncomm;
	const uint32_t *large; /* large communities, three words each */
	uint32_t nlarge;
	void *storage; /* decode: what bus_event_free frees */
};

#define BUS_EVENT_VERSION 1
#define BUS_EVENT_MAX 65536 /* bytes of an encoded event */

/* Write the encoding of ev at the start of *buf (capacity *cap, grown); returns its length, or -1
 * when the event cannot be encoded (router name, arrays over the limits). */
ssize_t bus_event_encode(const struct bus_event *ev, uint8_t **buf, size_t *cap);
/* Decode len bytes into ev (bus_event_free frees it). 0, or -1 with *err (static text)
 * saying what is wrong and *off the byte offset. */
int bus_event_decode(
    const void *data, size_t len, struct bus_event *ev, const char **err, size_t *off);
void bus_event_free(struct bus_event *ev);

/* ------------------------------------------------------------ route batches (batch.c) */

/* A job of a batch analysis: one input file. Jobs go on the key BUS_JOBS_KEY (workers share
 * one consumer of it); the routes of file i of run R on the key bus_job_key(R, i). */
#define BUS_JOBS_KEY "jobs"
struct bus_job {
	char run[48];          /* the coordinator's run id: letters, digits, '-' */
	uint32_t file, nfiles; /* 0-based index, count */
	int64_t table_time;    /* engine_job's table_time */
	int strict;
	char path[4096]; /* as the coordinator names it: the same path on every machine */
};
/* The text form ("routemark-job 1" and "key value" lines). Length, or -1 when it does not
 * fit or a field is out of range. */
int bus_job_encode(const struct bus_job *j, char *buf, size_t size);
/* 0, or -1 when data is no job (any field missing, unknown or out of range). */
int bus_job_decode(const void *data, size_t len, struct bus_job *j);
void bus_job_key(const char *run, uint32_t file, char *buf, size_t size);

#endif
