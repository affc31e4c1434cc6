/*
 * The bus on NATS JetStream (libnats): one stream STREAM with the subjects STREAM.>, a key
 * its own subject (JetStream keeps a stream's order, so each key's; with partitions the subject
 * STREAM.<partition>.<key>, so that shards of evaluators can each take some), asynchronous
 * publishing with the acknowledgements counted (and failures sent again) in libnats'
 * thread, and a durable pull consumer with explicit acknowledgements.
 */
#include <nats/nats.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus/bus_private.h"

#define INFLIGHT_MAX 8192 /* published, not yet acknowledged: bus_publish waits above */
#define ACK_WAIT_MS 3000  /* a publish not acknowledged by then is sent again */
#define QUEUE_WAIT_S 30   /* bus_publish waits at most this for room */
#define API_RETRY_S 20    /* stream and consumer creation: a cluster electing a leader */
#define FETCH_BATCH 256
#define DRAIN_BATCHES 16 /* a shard's partition fetched again while it fills its batch */

struct bus_nats {
	natsOptions *opts;
	natsConnection *nc;
	jsCtx *js;
	natsSubscription **subs; /* one per partition a shard takes, else one */
	size_t nsubs;
	size_t next_sub;     /* where the next poll starts: every partition gets its turn */
	natsMsg *current;    /* the message the handler has (bus_progress) */
	pthread_cond_t cond; /* inflight fell (with b->mu) */
	uint64_t inflight;
	volatile int closing; /* set once, before the context goes */
	int closed;           /* the closed callback ran: no callback comes after it */
	int in_ack;           /* acknowledgement handlers running (with b->mu) */
	struct retry {
		natsMsg *m;
		double due; /* clock_mono */
	} * retry;          /* failed publishes waiting to be sent again (with b->mu) */
	size_t nretry, cap_retry;
	char *subj;   /* "STREAM." */
	char *filter; /* "STREAM.>" */
};

static const char *last_error(natsStatus s)
{
	natsStatus ls;
	const char *t = nats_GetLastError(&ls);
	return t && *t ? t : natsStatus_GetText(s);
}

static void on_async_error(natsConnection *nc, natsSubscription *sub, natsStatus err, void *arg)
{
	struct bus *b = arg;
	log_warn("bus %s: %s", b->url, natsStatus_GetText(err));
}

static void on_disconnected(natsConnection *nc, void *arg)
{
	struct bus *b = arg;
	log_info("bus %s: disconnected, reconnecting", b->url);
}

static void on_reconnected(natsConnection *nc, void *arg)
{
	struct bus *b = arg;
	char url[256] = "";
	natsConnection_GetConnectedUrl(nc, url, sizeof(url));
	log_info("bus %s: reconnected to %s", b->url, url);
}

/* The last callback of a connection (libnats calls them in order on one thread): after it,
 * nothing calls back into the bus. */
static void on_closed(natsConnection *nc, void *arg)
{
	struct bus *b = arg;
	pthread_mutex_lock(&b->mu);
	b->nats->closed = 1;
	pthread_cond_broadcast(&b->nats->cond);
	pthread_mutex_unlock(&b->mu);
}

/* One publish less in flight; field (when not NULL) counts it. */
static void settle(struct bus *b, uint64_t *field)
{
	pthread_mutex_lock(&b->mu);
	if (field)
		(*field)++;
	b->nats->inflight--;
	pthread_cond_broadcast(&b->nats->cond);
	pthread_mutex_unlock(&b->mu);
}

/* Every acknowledgement or failure of an asynchronous publish, in libnats' thread. A failure
 * (the server's error, no stream leader, no acknowledgement within ACK_WAIT_MS) is queued to
 * be sent again with the same Nats-Msg-Id, so a copy the server stored already is not stored twice.
 */
static void ack_one(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *arg)
{
	struct bus *b = arg;
	if (pa) {
		if (pa->Duplicate)
			bus_count(b, &b->st.duplicates, 1);
		settle(b, &b->st.acked);
		natsMsg_Destroy(msg);
		return;
	}
	const char *t = NULL;
	int tries = 1;
	if (natsMsgHeader_Get(msg, "Rm-Try", &t) == NATS_OK && t)
		tries = atoi(t);
	if (tries < BUS_PUBLISH_TRIES && !b->nats->closing) {
		/* sent again by the caller's thread (resend_due), after a pause growing with
		 * the tries: a cluster electing a leader answers nothing for a while */
		char buf[16];
		snprintf(buf, sizeof(buf), "%d", tries + 1);
		natsMsgHeader_Set(msg, "Rm-Try", buf);
		struct bus_nats *n = b->nats;
		pthread_mutex_lock(&b->mu);
		XGROW(n->retry, n->cap_retry, n->nretry + 1);
		n->retry[n->nretry].m = msg;
		n->retry[n->nretry++].due = clock_mono() + (tries < 8 ? 0.25 * tries : 2.0);
		pthread_cond_broadcast(&n->cond);
		pthread_mutex_unlock(&b->mu);
		return;
	}
	char *what = xasprintf("%s: %s (after %d tries)", natsMsg_GetSubject(msg),
	    pae->ErrText && *pae->ErrText ? pae->ErrText : natsStatus_GetText(pae->Err), tries);
	bus_fail(b, what);
	free(what);
	settle(b, NULL);
	natsMsg_Destroy(msg);
}

/* Send again the failed publishes whose pause is over. */
static void resend_due(struct bus *b)
{
	struct bus_nats *n = b->nats;
	double now = clock_mono();
	for (;;) {
		natsMsg *m = NULL;
		pthread_mutex_lock(&b->mu);
		for (size_t i = 0; i < n->nretry; i++)
			if (n->retry[i].due <= now) {
				m = n->retry[i].m;
				memmove(n->retry + i, n->retry + i + 1,
				    (n->nretry - i - 1) * sizeof(*n->retry));
				n->nretry--;
				break;
			}
		pthread_mutex_unlock(&b->mu);
		if (m == NULL)
			return;
		jsPubOptions po;
		jsPubOptions_Init(&po);
		po.MaxWait = ACK_WAIT_MS;
		natsStatus s = js_PublishMsgAsync(n->js, &m, &po);
		if (s == NATS_OK) {
			bus_count(b, &b->st.retried, 1);
			continue;
		}
		char *what = xasprintf("%s: %s", natsMsg_GetSubject(m), last_error(s));
		bus_fail(b, what);
		free(what);
		settle(b, NULL);
		natsMsg_Destroy(m);
	}
}

/* Wait on the condition until abs (CLOCK_REALTIME) at most, 100 ms at a time, sending
 * failed publishes again meanwhile, while cond_fn holds. */
static int wait_while(struct bus *b, int (*cond_fn)(struct bus_nats *), const struct timespec *abs)
{
	struct bus_nats *n = b->nats;
	for (;;) {
		resend_due(b);
		struct timespec now, slice;
		clock_gettime(CLOCK_REALTIME, &now);
		slice = now;
		slice.tv_nsec += 100000000L;
		if (slice.tv_nsec >= 1000000000L)
			slice.tv_sec++, slice.tv_nsec -= 1000000000L;
		pthread_mutex_lock(&b->mu);
		int more = cond_fn(n);
		if (more)
			pthread_cond_timedwait(&n->cond, &b->mu, &slice);
		more = cond_fn(n);
		pthread_mutex_unlock(&b->mu);
		if (!more)
			return 0;
		if (now.tv_sec > abs->tv_sec ||
		    (now.tv_sec == abs->tv_sec && now.tv_nsec >= abs->tv_nsec))
			return -1;
	}
}

static int queue_full(struct bus_nats *n)
{
	return n->inflight >= INFLIGHT_MAX;
}

static int unsettled(struct bus_nats *n)
{
	return n->inflight > 0;
}

/* The handler counts itself running, so bus_nats_close can wait for it to leave. */
static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *arg)
{
	struct bus *b = arg;
	pthread_mutex_lock(&b->mu);
	b->nats->in_ack++;
	pthread_mutex_unlock(&b->mu);
	ack_one(js, msg, pa, pae, arg);
	pthread_mutex_lock(&b->mu);
	b->nats->in_ack--;
	pthread_cond_broadcast(&b->nats->cond);
	pthread_mutex_unlock(&b->mu);
}

static int connect_servers(struct bus *b)
{
	struct bus_nats *n = b->nats;
	char **urls = xcalloc(b->u.nservers, sizeof(*urls));
	for (size_t i = 0; i < b->u.nservers; i++)
		urls[i] = xasprintf("nats://%s", b->u.servers[i]);
	natsStatus s = natsOptions_Create(&n->opts);
	if (s == NATS_OK)
		s = natsOptions_SetServers(n->opts, (const char **)urls, (int)b->u.nservers);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(n->opts, -1); /* for ever */
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(n->opts, 250);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(n->opts, 5000);
	if (s == NATS_OK)
		s = natsOptions_SetErrorHandler(n->opts, on_async_error, b);
	if (s == NATS_OK)
		s = natsOptions_SetDisconnectedCB(n->opts, on_disconnected, b);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectedCB(n->opts, on_reconnected, b);
	if (s == NATS_OK)
		s = natsOptions_SetClosedCB(n->opts, on_closed, b);
	if (s == NATS_OK)
		s = natsConnection_Connect(&n->nc, n->opts);
	for (size_t i = 0; i < b->u.nservers; i++)
		free(urls[i]);
	free(urls);
	if (s != NATS_OK) {
		log_err("bus %s: connect: %s", b->url, last_error(s));
		return -1;
	}
	jsOptions jo;
	jsOptions_Init(&jo);
	jo.Wait = 10000;
	jo.PublishAsync.MaxPending = 4 * INFLIGHT_MAX; /* bus_publish keeps below */
	jo.PublishAsync.AckHandler = on_ack;
	jo.PublishAsync.AckHandlerClosure = b;
	if ((s = natsConnection_JetStream(&n->js, n->nc, &jo)) != NATS_OK) {
		log_err("bus %s: JetStream: %s", b->url, last_error(s));
		return -1;
	}
	return 0;
}

/* A JetStream API call that may meet a cluster still electing its leaders. */
/* Worth trying again (within API_RETRY_S): no answer yet, or a cluster still forming (no meta
 * leader, or not every server's JetStream known yet: "no suitable peers for placement" for a
 * stream of N replicas right after start). A cluster that stays short of peers is said after
 * API_RETRY_S. */
static int transient(natsStatus s, jsErrCode jerr)
{
	return s == NATS_NO_RESPONDERS || s == NATS_TIMEOUT || jerr == JSClusterNotAvailErr ||
	       jerr == JSStreamOfflineErr || jerr == JSClusterNoPeersErr ||
	       jerr == JSClusterNotLeaderErr;
}

static void pause_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* The API calls of stream_ensure and bus_nats_consume wait API_WAIT_MS each, then try
 * again: a request sent before the cluster has a meta leader is never answered. */
#define API_WAIT_MS 1500

static int stream_ensure(struct bus *b)
{
	struct bus_nats *n = b->nats;
	jsOptions ao;
	jsOptions_Init(&ao);
	ao.Wait = API_WAIT_MS;
	const char *subjects[] = {n->filter};
	jsStreamConfig sc;
	jsStreamConfig_Init(&sc);
	sc.Name = b->u.name;
	sc.Subjects = subjects;
	sc.SubjectsLen = 1;
	sc.Storage = js_FileStorage;
	sc.Replicas = b->u.replicas;
	sc.Duplicates = (int64_t)120 * 1000000000; /* the de-duplication window: 2 minutes */
	double until = clock_mono() + API_RETRY_S;
	for (;;) {
		jsStreamInfo *si = NULL;
		jsErrCode jerr = 0;
		natsStatus s = js_GetStreamInfo(&si, n->js, b->u.name, &ao, &jerr);
		if (s == NATS_OK) {
			if (si->Config && si->Config->Replicas != b->u.replicas)
				log_warn("bus %s: stream %s exists with %lld replicas", b->url,
				    b->u.name, (long long)si->Config->Replicas);
			jsStreamInfo_Destroy(si);
			return 0;
		}
		if (s == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr) {
			s = js_AddStream(&si, n->js, &sc, &ao, &jerr);
			jsStreamInfo_Destroy(si);
			if (s == NATS_OK)
				return 0;
		}
		if (!transient(s, jerr) || clock_mono() > until) {
			log_err("bus %s: stream %s: %s", b->url, b->u.name, last_error(s));
			return -1;
		}
		pause_ms(200);
	}
}

int bus_nats_open(struct bus *b)
{
	struct bus_nats *n = xcalloc(1, sizeof(*n));
	b->nats = n;
	pthread_cond_init(&n->cond, NULL);
	n->subj = xasprintf("%s.", b->u.name);
	n->filter = xasprintf("%s.>", b->u.name);
	if (connect_servers(b) != 0 || stream_ensure(b) != 0)
		return -1;
	return 0;
}

/* Room for one more publish, waiting while INFLIGHT_MAX are unacknowledged. */
static int reserve(struct bus *b)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += QUEUE_WAIT_S;
	if (wait_while(b, queue_full, &until) != 0)
		return -1;
	pthread_mutex_lock(&b->mu);
	b->nats->inflight++;
	pthread_mutex_unlock(&b->mu);
	return 0;
}

/* The subject of key: STREAM.<key> or STREAM.<partition>.<key>, characters other than letters,
 * digits, '-' and '_' as '_' (malloc'ed). */
static char *subject_of(struct bus *b, const char *key)
{
	struct bus_nats *n = b->nats;
	int part = bus_partition_of(b, key);
	char *pfx = part >= 0 ? xasprintf("%s%d.", n->subj, part) : NULL;
	size_t sl = strlen(pfx ? pfx : n->subj), kl = strlen(key);
	char *subj = xmalloc(sl + kl + 1);
	memcpy(subj, pfx ? pfx : n->subj, sl);
	free(pfx);
	for (size_t i = 0; i < kl; i++) {
		char c = key[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		         (c >= '0' && c <= '9') || c == '-' || c == '_';
		subj[sl + i] = ok ? c : '_';
	}
	subj[sl + kl] = '\0';
	return subj;
}

int bus_nats_publish(struct bus *b, const char *key, const void *msg, size_t len, uint64_t id)
{
	struct bus_nats *n = b->nats;
	if (len > INT32_MAX)
		return -1;
	if (reserve(b) != 0) {
		log_err("bus %s: %d messages unacknowledged for %d s", b->url, INFLIGHT_MAX,
		    QUEUE_WAIT_S);
		return -1;
	}
	char *subj = subject_of(b, key);
	natsMsg *m = NULL;
	natsStatus s = natsMsg_Create(&m, subj, NULL, msg, (int)len);
	free(subj);
	if (s == NATS_OK)
		s = natsMsgHeader_Set(m, "Rm-Key", key);
	if (s == NATS_OK && id) {
		char mid[BUS_KEY_MAX + 32];
		snprintf(mid, sizeof(mid), "%s:%llu", key, (unsigned long long)id);
		s = natsMsgHeader_Set(m, "Nats-Msg-Id", mid);
	}
	jsPubOptions po;
	jsPubOptions_Init(&po);
	po.MaxWait = ACK_WAIT_MS;
	if (s == NATS_OK)
		s = js_PublishMsgAsync(n->js, &m, &po);
	if (s != NATS_OK) {
		natsMsg_Destroy(m);
		settle(b, NULL);
		log_err("bus %s: publish: %s", b->url, last_error(s));
		return -1;
	}
	return 0;
}

int bus_nats_flush(struct bus *b, int timeout_ms)
{
	struct bus_nats *n = b->nats;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;
	/* the acknowledgement handler, not js_PublishAsyncComplete, knows of messages sent
	 * again: wait for it to settle every one */
	wait_while(b, unsettled, &until);
	pthread_mutex_lock(&b->mu);
	uint64_t left = n->inflight;
	pthread_mutex_unlock(&b->mu);
	if (left) {
		log_err("bus %s: %llu messages still unacknowledged after %d ms", b->url,
		    (unsigned long long)left, timeout_ms);
		return -1;
	}
	return 0;
}

/* The durable consumer durable filtered on filter, and a pull subscription bound to it. */
static int consumer_add(struct bus *b, const char *durable, const char *filter)
{
	struct bus_nats *n = b->nats;
	jsConsumerConfig cc;
	jsConsumerConfig_Init(&cc);
	cc.Durable = durable;
	cc.AckPolicy = js_AckExplicit;
	cc.DeliverPolicy = js_DeliverAll;
	cc.AckWait = (int64_t)b->u.ack_wait * 1000000000;
	cc.FilterSubject = filter;
	cc.MaxAckPending = 4 * FETCH_BATCH;
	double until = clock_mono() + API_RETRY_S;
	natsStatus s;
	jsErrCode jerr;
	jsOptions ao;
	jsOptions_Init(&ao);
	ao.Wait = API_WAIT_MS;
	for (;;) {
		jsConsumerInfo *ci = NULL;
		jerr = 0;
		s = js_AddConsumer(&ci, n->js, b->u.name, &cc, &ao, &jerr);
		jsConsumerInfo_Destroy(ci);
		if (s == NATS_OK || jerr == JSConsumerNameExistErr)
			break;
		if (!transient(s, jerr) || clock_mono() > until) {
			log_err("bus %s: consumer %s: %s", b->url, durable, last_error(s));
			return -1;
		}
		pause_ms(200);
	}
	/* bound to the consumer made above: closing the subscription leaves it in place */
	jsSubOptions so;
	jsSubOptions_Init(&so);
	so.Stream = b->u.name;
	so.Consumer = durable;
	natsSubscription *sub = NULL;
	s = js_PullSubscribe(&sub, n->js, filter, durable, NULL, &so, &jerr);
	if (s != NATS_OK) {
		log_err("bus %s: consumer %s: %s", b->url, durable, last_error(s));
		return -1;
	}
	n->subs = xreallocarray(n->subs, n->nsubs + 1, sizeof(*n->subs));
	n->subs[n->nsubs++] = sub;
	return 0;
}

static void subs_drop(struct bus_nats *n);

int bus_nats_consume_key(struct bus *b, const char *durable, const char *key)
{
	subs_drop(b->nats);
	char *filter = subject_of(b, key);
	int rc = consumer_add(b, durable, filter);
	free(filter);
	return rc;
}

int bus_nats_consumer_delete(struct bus *b, const char *durable)
{
	struct bus_nats *n = b->nats;
	subs_drop(n); /* a subscription bound to it would delete it on its own */
	jsErrCode jerr = 0;
	natsStatus s = js_DeleteConsumer(n->js, b->u.name, durable, NULL, &jerr);
	if (s != NATS_OK && s != NATS_NOT_FOUND && jerr != JSConsumerNotFoundErr) {
		log_err("bus %s: consumer %s: delete: %s", b->url, durable, last_error(s));
		return -1;
	}
	return 0;
}

int bus_nats_purge_key(struct bus *b, const char *key)
{
	char *subj = subject_of(b, key);
	jsOptions o;
	jsOptions_Init(&o);
	o.Wait = API_WAIT_MS;
	o.Stream.Purge.Subject = subj;
	jsErrCode jerr = 0;
	natsStatus s = js_PurgeStream(b->nats->js, b->u.name, &o, &jerr);
	free(subj);
	if (s != NATS_OK) {
		log_warn("bus %s: purging %s: %s", b->url, key, last_error(s));
		return -1;
	}
	return 0;
}

void bus_nats_progress(struct bus *b)
{
	if (b->nats->current)
		natsMsg_InProgress(b->nats->current, NULL);
}

static void subs_drop(struct bus_nats *n)
{
	for (size_t i = 0; i < n->nsubs; i++)
		natsSubscription_Destroy(n->subs[i]);
	free(n->subs);
	n->subs = NULL;
	n->nsubs = n->next_sub = 0;
}

int bus_nats_consume(struct bus *b, const char *durable, unsigned shard, unsigned nshards)
{
	struct bus_nats *n = b->nats;
	subs_drop(n);
	if (nshards <= 1) /* every partition (if any) through one consumer */
		return consumer_add(b, durable, n->filter);
	for (int p = 0; p < b->u.partitions; p++) {
		if ((unsigned)p % nshards != shard)
			continue;
		char *name = xasprintf("%s-p%d", durable, p);
		char *filter = xasprintf("%s%d.>", n->subj, p);
		int rc = consumer_add(b, name, filter);
		free(name);
		free(filter);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static void fill_msg(natsMsg *m, struct bus_msg *bm, const char *prefix, int partitioned)
{
	const char *v = NULL;
	memset(bm, 0, sizeof(*bm));
	bm->data = natsMsg_GetData(m);
	bm->len = (size_t)natsMsg_GetDataLength(m);
	if (natsMsgHeader_Get(m, "Rm-Key", &v) == NATS_OK && v)
		bm->key = v;
	else {
		const char *subj = natsMsg_GetSubject(m);
		size_t pl = strlen(prefix);
		bm->key = strncmp(subj, prefix, pl) == 0 ? subj + pl : subj;
		if (partitioned && strchr(bm->key, '.')) /* STREAM.<p>.<key> */
			bm->key = strchr(bm->key, '.') + 1;
	}
	if (natsMsgHeader_Get(m, "Nats-Msg-Id", &v) == NATS_OK && v) {
		const char *c = strrchr(v, ':');
		bm->msg_id = strtoull(c ? c + 1 : v, NULL, 10);
	}
	jsMsgMetaData *md = NULL;
	if (natsMsg_GetMetaData(&md, m) == NATS_OK) {
		bm->position = md->Sequence.Stream;
		bm->deliveries = md->NumDelivered;
		jsMsgMetaData_Destroy(md);
	}
}

/* One fetch of one subscription: how many were acknowledged, or -1. */
/* One fetch of one subscription, the messages handled and acknowledged (not yet flushed): how
 * many were acknowledged, or -1. *full: the fetch filled its batch (more may be waiting). */
static int poll_sub(struct bus *b, natsSubscription *sub, int timeout_ms, int *full)
{
	natsMsgList list = {0};
	jsErrCode jerr = 0;
	*full = 0;
	natsStatus s = natsSubscription_Fetch(
	    &list, sub, b->fetch > 0 ? b->fetch : FETCH_BATCH, timeout_ms, &jerr);
	if (s == NATS_TIMEOUT)
		return 0;
	if (s != NATS_OK) {
		log_err("bus %s: fetch: %s", b->url, last_error(s));
		return -1;
	}
	int acked = 0, refused = 0;
	for (int i = 0; i < list.Count; i++) {
		natsMsg *m = list.Msgs[i];
		if (refused) { /* after a refusal: again later, in order */
			natsMsg_Nak(m, NULL);
			continue;
		}
		struct bus_msg bm;
		fill_msg(m, &bm, b->nats->subj, b->u.partitions > 0);
		bus_count(b, &b->st.delivered, 1);
		b->nats->current = m;
		int hr = b->fn(b->arg, &bm);
		b->nats->current = NULL;
		if (hr != 0) {
			refused = 1;
			bus_count(b, &b->st.refused, 1);
			natsMsg_Nak(m, NULL);
			continue;
		}
		if ((s = natsMsg_Ack(m, NULL)) != NATS_OK) {
			log_err("bus %s: ack: %s", b->url, last_error(s));
			break;
		}
		acked++;
	}
	*full = list.Count == (b->fetch > 0 ? b->fetch : FETCH_BATCH) && !refused;
	natsMsgList_Destroy(&list);
	bus_count(b, &b->st.consumed, (uint64_t)acked);
	return acked;
}

/* The acknowledgements are at the server when the flush's PONG is back. */
static int acks_flush(struct bus *b)
{
	natsStatus s = natsConnection_FlushTimeout(b->nats->nc, 10000);
	if (s != NATS_OK) {
		log_err("bus %s: acknowledgements not confirmed: %s", b->url, last_error(s));
		return -1;
	}
	return 0;
}

int bus_nats_poll(struct bus *b, int timeout_ms)
{
	struct bus_nats *n = b->nats;
	int full;
	if (n->nsubs == 1) {
		int r = poll_sub(b, n->subs[0], timeout_ms > 0 ? timeout_ms : 1, &full);
		return r < 0 || acks_flush(b) != 0 ? -1 : r;
	}
	/* a shard's partitions in turn: first a short look at each (a partition that fills its
	 * batch is drained further, up to DRAIN_BATCHES), then, when none had anything, a wait
	 * shared among them */
	int each = timeout_ms / (int)n->nsubs > 0 ? timeout_ms / (int)n->nsubs : 1, acked = 0;
	for (int pass = 0; pass < 2 && acked == 0; pass++)
		for (size_t k = 0; k < n->nsubs; k++) {
			natsSubscription *sub = n->subs[(n->next_sub + k) % n->nsubs];
			int batches = 0;
			do {
				int r = poll_sub(b, sub, pass ? each : 1, &full);
				if (r < 0)
					return -1;
				acked += r;
			} while (full && ++batches < DRAIN_BATCHES);
		}
	n->next_sub = (n->next_sub + 1) % n->nsubs;
	return acks_flush(b) != 0 ? -1 : acked;
}

void bus_nats_close(struct bus *b)
{
	struct bus_nats *n = b->nats;
	if (n == NULL)
		return;
	n->closing = 1;
	subs_drop(n);
	if (n->js)
		jsCtx_Destroy(n->js);
	if (n->nc) {
		natsConnection_Close(n->nc);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 10;
		pthread_mutex_lock(&b->mu);
		while (!n->closed && pthread_cond_timedwait(&n->cond, &b->mu, &until) == 0)
			;
		pthread_mutex_unlock(&b->mu);
		natsConnection_Destroy(n->nc);
	}
	natsOptions_Destroy(n->opts);
	for (size_t i = 0; i < n->nretry; i++) /* libnats' threads are gone */
		natsMsg_Destroy(n->retry[i].m);
	free(n->retry);
	pthread_cond_destroy(&n->cond);
	free(n->subj);
	free(n->filter);
	free(n);
	b->nats = NULL;
}
