/*
 * The bus on Kafka (librdkafka): an idempotent producer (acks from every in-sync replica,
 * retries without duplicates or reordering within a partition), the key as the message key
 * (the partitioner keeps a key in one partition), and a consumer group with offsets
 * committed by hand after the handler.
 */
#include <librdkafka/rdkafka.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus_private.h"

#define QUEUE_WAIT_S 30 /* bus_publish waits at most this for room in the queue */
#define POLL_BATCH 256

struct bus_kafka {
	char *brokers;
	rd_kafka_t *prod, *cons;
	int assigned; /* consumer: partitions assigned (by a rebalance) */
};

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *arg)
{
	struct bus *b = arg;
	log_warn("bus %s: %s: %s", b->url, rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	if (level <= 3)
		log_warn("kafka: %s: %s", fac, buf);
	else
		log_debug("kafka: %s: %s", fac, buf);
}

/* Delivery reports, from rd_kafka_poll / rd_kafka_flush in the caller's thread. librdkafka
 * has retried by then: an error here is final. */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *arg)
{
	struct bus *b = arg;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		bus_count(b, &b->st.acked, 1);
		return;
	}
	char *what = xasprintf("partition %d: %s", (int)m->partition, rd_kafka_err2str(m->err));
	bus_fail(b, what);
	free(what);
}

static rd_kafka_conf_t *conf_new(struct bus *b)
{
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	rd_kafka_conf_set_opaque(c, b);
	rd_kafka_conf_set_error_cb(c, on_error);
	rd_kafka_conf_set_log_cb(c, on_log);
	return c;
}

static int conf_set(struct bus *b, rd_kafka_conf_t *c, const char *k, const char *v)
{
	char err[256];
	if (rd_kafka_conf_set(c, k, v, err, sizeof(err)) != RD_KAFKA_CONF_OK) {
		log_err("bus %s: %s=%s: %s", b->url, k, v, err);
		return -1;
	}
	return 0;
}

/* ?partitions=N: the topic with N partitions (one replica per broker up to 3). */
static int topic_create(struct bus *b)
{
	struct bus_kafka *k = b->kafka;
	char err[256];
	rd_kafka_NewTopic_t *nt =
	    rd_kafka_NewTopic_new(b->u.name, b->u.partitions, -1, err, sizeof(err));
	if (nt == NULL) {
		log_err("bus %s: topic %s: %s", b->url, b->u.name, err);
		return -1;
	}
	rd_kafka_queue_t *q = rd_kafka_queue_new(k->prod);
	rd_kafka_CreateTopics(k->prod, &nt, 1, NULL, q);
	rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 15000);
	int rc = -1;
	const char *why = "no answer within 15 s";
	if (ev && rd_kafka_event_error(ev))
		why = rd_kafka_event_error_string(ev);
	else if (ev) {
		size_t n = 0;
		const rd_kafka_topic_result_t **tr =
		    rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
		rd_kafka_resp_err_t e = n ? rd_kafka_topic_result_error(tr[0]) : 0;
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
			rc = 0;
		else
			why = rd_kafka_topic_result_error_string(tr[0]);
	}
	if (rc != 0)
		log_err("bus %s: topic %s: %s", b->url, b->u.name, why);
	if (ev)
		rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(q);
	rd_kafka_NewTopic_destroy(nt);
	return rc;
}

int bus_kafka_open(struct bus *b)
{
	struct bus_kafka *k = xcalloc(1, sizeof(*k));
	b->kafka = k;
	size_t len = 0;
	for (size_t i = 0; i < b->u.nservers; i++)
		len += strlen(b->u.servers[i]) + 1;
	k->brokers = xcalloc(1, len + 1);
	for (size_t i = 0; i < b->u.nservers; i++) {
		if (i)
			strcat(k->brokers, ",");
		strcat(k->brokers, b->u.servers[i]);
	}
	rd_kafka_conf_t *c = conf_new(b);
	rd_kafka_conf_set_dr_msg_cb(c, on_delivery);
	char err[256];
	if (conf_set(b, c, "bootstrap.servers", k->brokers) != 0 ||
	    conf_set(b, c, "enable.idempotence", "true") != 0 ||
	    conf_set(b, c, "acks", "all") != 0 || conf_set(b, c, "linger.ms", "5") != 0 ||
	    conf_set(b, c, "reconnect.backoff.ms", "250") != 0 ||
	    conf_set(b, c, "reconnect.backoff.max.ms", "5000") != 0) {
		rd_kafka_conf_destroy(c);
		return -1;
	}
	k->prod = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof(err));
	if (k->prod == NULL) {
		log_err("bus %s: producer: %s", b->url, err);
		rd_kafka_conf_destroy(c);
		return -1;
	}
	if (b->u.partitions && topic_create(b) != 0)
		return -1;
	return 0;
}

int bus_kafka_publish(struct bus *b, const char *key, const void *msg, size_t len, uint64_t id)
{
	struct bus_kafka *k = b->kafka;
	char mid[24];
	int n = snprintf(mid, sizeof(mid), "%llu", (unsigned long long)id);
	double until = clock_mono() + QUEUE_WAIT_S;
	for (;;) {
		rd_kafka_resp_err_t e = rd_kafka_producev(k->prod, RD_KAFKA_V_TOPIC(b->u.name),
		    RD_KAFKA_V_KEY(key, strlen(key)), RD_KAFKA_V_VALUE((void *)msg, len),
		    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		    RD_KAFKA_V_HEADER("rm-msg-id", mid, (ssize_t)n), RD_KAFKA_V_END);
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
			break;
		if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL || clock_mono() > until) {
			log_err("bus %s: publish: %s", b->url, rd_kafka_err2str(e));
			return -1;
		}
		rd_kafka_poll(k->prod, 100); /* delivery reports make room */
	}
	rd_kafka_poll(k->prod, 0);
	return 0;
}

int bus_kafka_flush(struct bus *b, int timeout_ms)
{
	struct bus_kafka *k = b->kafka;
	rd_kafka_resp_err_t e = rd_kafka_flush(k->prod, timeout_ms);
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		log_err("bus %s: %d messages still unacknowledged after %d ms", b->url,
		    rd_kafka_outq_len(k->prod), timeout_ms);
		return -1;
	}
	return 0;
}

static void on_rebalance(
    rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts, void *arg)
{
	struct bus *b = arg;
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		rd_kafka_assign(rk, parts);
		b->kafka->assigned = parts->cnt;
	} else {
		rd_kafka_assign(rk, NULL);
		b->kafka->assigned = 0;
	}
}

int bus_kafka_consume(struct bus *b, const char *durable)
{
	struct bus_kafka *k = b->kafka;
	if (k->cons) {
		rd_kafka_consumer_close(k->cons);
		rd_kafka_destroy(k->cons);
		k->cons = NULL;
	}
	rd_kafka_conf_t *c = conf_new(b);
	rd_kafka_conf_set_rebalance_cb(c, on_rebalance);
	char err[256];
	if (conf_set(b, c, "bootstrap.servers", k->brokers) != 0 ||
	    conf_set(b, c, "group.id", durable) != 0 ||
	    conf_set(b, c, "enable.auto.commit", "false") != 0 ||
	    conf_set(b, c, "enable.auto.offset.store", "false") != 0 ||
	    conf_set(b, c, "auto.offset.reset", "earliest") != 0 ||
	    conf_set(b, c, "session.timeout.ms", "6000") != 0 ||
	    conf_set(b, c, "heartbeat.interval.ms", "1000") != 0 ||
	    conf_set(b, c, "reconnect.backoff.ms", "250") != 0) {
		rd_kafka_conf_destroy(c);
		return -1;
	}
	k->cons = rd_kafka_new(RD_KAFKA_CONSUMER, c, err, sizeof(err));
	if (k->cons == NULL) {
		log_err("bus %s: consumer %s: %s", b->url, durable, err);
		rd_kafka_conf_destroy(c);
		return -1;
	}
	rd_kafka_poll_set_consumer(k->cons);
	rd_kafka_topic_partition_list_t *t = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(t, b->u.name, RD_KAFKA_PARTITION_UA);
	rd_kafka_resp_err_t e = rd_kafka_subscribe(k->cons, t);
	rd_kafka_topic_partition_list_destroy(t);
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		log_err("bus %s: consumer %s: %s", b->url, durable, rd_kafka_err2str(e));
		return -1;
	}
	return 0;
}

/* A refused message: its partition is read again from it. */
static void rewind_to(struct bus *b, const rd_kafka_message_t *m)
{
	rd_kafka_topic_partition_list_t *p = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(p, rd_kafka_topic_name(m->rkt), m->partition)->offset =
	    m->offset;
	rd_kafka_error_t *e = rd_kafka_seek_partitions(b->kafka->cons, p, 5000);
	if (e) {
		log_warn("bus %s: seek back: %s", b->url, rd_kafka_error_string(e));
		rd_kafka_error_destroy(e);
	}
	rd_kafka_topic_partition_list_destroy(p);
}

static int deliver(struct bus *b, rd_kafka_message_t *m)
{
	struct bus_msg bm;
	memset(&bm, 0, sizeof(bm));
	char key[BUS_KEY_MAX + 1];
	size_t kl = m->key_len < BUS_KEY_MAX ? m->key_len : BUS_KEY_MAX;
	memcpy(key, m->key ? m->key : "", m->key ? kl : 0);
	key[m->key ? kl : 0] = '\0';
	bm.key = key;
	bm.data = m->payload;
	bm.len = m->len;
	bm.position = (uint64_t)m->offset;
	bm.partition = (int)m->partition;
	rd_kafka_headers_t *h = NULL;
	const void *v;
	size_t vl;
	if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR &&
	    rd_kafka_header_get_last(h, "rm-msg-id", &v, &vl) == RD_KAFKA_RESP_ERR_NO_ERROR &&
	    vl < 24) {
		char t[24];
		memcpy(t, v, vl);
		t[vl] = '\0';
		bm.msg_id = strtoull(t, NULL, 10);
	}
	bus_count(b, &b->st.delivered, 1);
	return b->fn(b->arg, &bm);
}

int bus_kafka_poll(struct bus *b, int timeout_ms)
{
	struct bus_kafka *k = b->kafka;
	int acked = 0, wait = timeout_ms;
	double until = clock_mono() + timeout_ms / 1000.0;
	while (acked < POLL_BATCH) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(k->cons, wait);
		if (m == NULL) {
			if (acked || clock_mono() >= until)
				break;
			wait = (int)((until - clock_mono()) * 1000) + 1;
			continue;
		}
		if (m->err) {
			if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
				log_warn("bus %s: consume: %s", b->url, rd_kafka_message_errstr(m));
			rd_kafka_message_destroy(m);
			continue;
		}
		if (deliver(b, m) != 0) {
			bus_count(b, &b->st.refused, 1);
			rewind_to(b, m);
			rd_kafka_message_destroy(m);
			break;
		}
		rd_kafka_offset_store(m->rkt, m->partition, m->offset);
		rd_kafka_message_destroy(m);
		acked++;
		wait = 0; /* take what is there, then commit */
	}
	if (acked) {
		rd_kafka_resp_err_t e = rd_kafka_commit(k->cons, NULL, 0);
		if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR__NO_OFFSET) {
			log_err("bus %s: commit: %s", b->url, rd_kafka_err2str(e));
			return -1;
		}
		bus_count(b, &b->st.consumed, (uint64_t)acked);
	}
	return acked;
}

void bus_kafka_close(struct bus *b)
{
	struct bus_kafka *k = b->kafka;
	if (k == NULL)
		return;
	if (k->cons) {
		rd_kafka_consumer_close(k->cons);
		rd_kafka_destroy(k->cons);
	}
	if (k->prod)
		rd_kafka_destroy(k->prod);
	free(k->brokers);
	free(k);
	b->kafka = NULL;
}
