/* The default public data sources and their dated URLs. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch.h"

/* Mirror paths are those of the project's shared data folder, so that a copy of it serves as
 * an offline mirror. Sources with no such file have "-". The last column is the archive of
 * past editions (run --backfill): "=" the dated URL itself, "current" none (today's file
 * stands in, said in the snapshot's provenance), "-" not used (archived by another source).
 * Archives: RouteViews and RIS keep every RIB and update file (RIS bviews at 00:00, 08:00,
 * 16:00); CAIDA every monthly serial-1 file; the RIPE NCC the VRPs of each RIR's trust
 * anchor daily since 2011 (https://ftp.ripe.net/rpki/TAL/YYYY/MM/DD/roas.csv.xz) and the NRO
 * delegations daily. IRR dumps, Team Cymru's bogons, PeeringDB and AS names: current only. */
const char sources_default_text[] =
    "# kind    name                period lag  url  mirror  archive\n"
    "mrt       routeviews-rib       2h    3h   "
    "http://archive.routeviews.org/bgpdata/{YYYY}.{MM}/RIBS/rib.{YYYY}{MM}{DD}.{HH}00.bz2  "
    "mrt/libbgpstream__routeviews.route-views.jinx.ribs.1401487200.bz2  =\n"
    "mrt       ris-rrc00-bview      -     -    https://data.ris.ripe.net/rrc00/latest-bview.gz  "
    "-  https://data.ris.ripe.net/rrc00/{YYYY}.{MM}/bview.{YYYY}{MM}{DD}.0000.gz\n"
    "mrt       ris-rrc06-updates    -     -    https://data.ris.ripe.net/rrc06/latest-update.gz  "
    "mrt/libbgpstream__ris.rrc06.updates.1401488100.gz  "
    "https://data.ris.ripe.net/rrc06/{YYYY}.{MM}/updates.{YYYY}{MM}{DD}.0000.gz\n"
    "mrt       routeviews-updates   15m   1h   "
    "http://archive.routeviews.org/bgpdata/{YYYY}.{MM}/UPDATES/updates.{YYYY}{MM}{DD}.{HH}{mm}.bz2 "
    " "
    "mrt/libbgpstream__routeviews.route-views.jinx.updates.1401493500.bz2  =\n"
    "vrps      rpki-client          -     -    https://console.rpki-client.org/vrps.json  "
    "rpki/vrps_2017-06-01_from_compress_roas.csv  -\n"
    "vrps      ripe-rpki-afrinic    1d    -    -  -  "
    "https://ftp.ripe.net/rpki/afrinic.tal/{YYYY}/{MM}/{DD}/roas.csv.xz\n"
    "vrps      ripe-rpki-apnic      1d    -    -  -  "
    "https://ftp.ripe.net/rpki/apnic.tal/{YYYY}/{MM}/{DD}/roas.csv.xz\n"
    "vrps      ripe-rpki-arin       1d    -    -  -  "
    "https://ftp.ripe.net/rpki/arin.tal/{YYYY}/{MM}/{DD}/roas.csv.xz\n"
    "vrps      ripe-rpki-lacnic     1d    -    -  -  "
    "https://ftp.ripe.net/rpki/lacnic.tal/{YYYY}/{MM}/{DD}/roas.csv.xz\n"
    "vrps      ripe-rpki-ripencc    1d    -    -  -  "
    "https://ftp.ripe.net/rpki/ripencc.tal/{YYYY}/{MM}/{DD}/roas.csv.xz\n"
    "irr       ripe-route           -     -    "
    "https://ftp.ripe.net/ripe/dbase/split/ripe.db.route.gz  "
    "irr/rpkiirrstats__ripe-db-route.txt  current\n"
    "irr       ripe-route6          -     -    "
    "https://ftp.ripe.net/ripe/dbase/split/ripe.db.route6.gz  "
    "irr/rpkiirrstats__ripe-db-route6.txt  current\n"
    "irr       ripe-aut-num         -     -    "
    "https://ftp.ripe.net/ripe/dbase/split/ripe.db.aut-num.gz  "
    "irr/pytinyirrdbcache__ripe.db.sample  current\n"
    "irr       radb                 -     -    https://ftp.radb.net/radb/dbase/radb.db.gz  "
    "irr/pytinyirrdbcache__radb.db.sample  current\n"
    "asrel     caida-serial-1       1M    45d  "
    "https://publicdata.caida.org/datasets/as-relationships/serial-1/{YYYY}{MM}01.as-rel.txt.bz2  "
    "caida/20140101.as-rel.txt.bz2  =\n"
    "bogons    cymru-fullbogons-v4  -     -    "
    "https://www.team-cymru.org/Services/Bogons/fullbogons-ipv4.txt  "
    "bogons/cymru_fullbogons-ipv4_20240310.txt  current\n"
    "bogons    cymru-fullbogons-v6  -     -    "
    "https://www.team-cymru.org/Services/Bogons/fullbogons-ipv6.txt  "
    "bogons/cymru_fullbogons-ipv6_20240310.txt.gz  current\n"
    "delegated nro-delegated        -     -    "
    "https://ftp.ripe.net/pub/stats/ripencc/nro-stats/latest/nro-delegated-stats  -  "
    "https://ftp.ripe.net/pub/stats/ripencc/nro-stats/{YYYY}{MM}{DD}/nro-delegated-stats\n"
    "peeringdb peeringdb-net        -     -    https://www.peeringdb.com/api/net  -  current\n"
    "asnames   ripe-asnames         -     -    https://ftp.ripe.net/ripe/asnames/asn.txt  "
    "misc/asn_names_ASN_lookup.txt.gz  current\n";

static const char *kinds[] = {
    "mrt", "vrps", "irr", "asrel", "bogons", "delegated", "peeringdb", "asnames"};

/* "15m", "2h", "1d", "1M" -> seconds (months as -n), "-" -> 0; -1 when bad. */
static long parse_span(const char *s, int *months)
{
	*months = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	char *end;
	long n = strtol(s, &end, 10);
	if (n <= 0 || end[0] == '\0' || end[1] != '\0')
		return -1;
	switch (*end) {
	case 'm':
		return n * 60;
	case 'h':
		return n * 3600;
	case 'd':
		return n * 86400;
	case 'M':
		*months = (int)n;
		return 0;
	}
	return -1;
}

static int copy_field(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

int sources_parse(const char *text, const char *origin, struct sources *out)
{
	memset(out, 0, sizeof(*out));
	char *copy = xstrdup(text), *save = NULL;
	int lineno = 0;
	size_t cap = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++; /* blank lines are skipped by strtok_r: numbers count non-empty lines */
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *f[8];
		int nf = split_ws(line, f, 8);
		if (nf == 0)
			continue;
		struct source s;
		int months, ok = nf == 6 || nf == 7;
		for (size_t k = 0; ok && k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strcmp(f[0], kinds[k]) == 0)
				break;
			else if (k + 1 == sizeof(kinds) / sizeof(kinds[0]))
				ok = 0;
		if (!ok || copy_field(s.kind, sizeof(s.kind), f[0]) ||
		    copy_field(s.name, sizeof(s.name), f[1]) ||
		    copy_field(s.period, sizeof(s.period), f[2]) ||
		    copy_field(s.lag, sizeof(s.lag), f[3]) ||
		    copy_field(s.url, sizeof(s.url), f[4]) ||
		    copy_field(s.mirror, sizeof(s.mirror), f[5]) ||
		    copy_field(s.archive, sizeof(s.archive),
		        nf == 7                      ? f[6]
		        : strcmp(s.period, "-") == 0 ? "current"
		                                     : "=") ||
		    (strcmp(s.url, "-") == 0 && strcmp(s.archive, "=") == 0) ||
		    parse_span(s.period, &months) < 0 || parse_span(s.lag, &months) < 0) {
			log_err("%s: entry %d: expected 'kind name period lag url mirror "
			        "[archive]' with "
			        "kind one "
			        "of mrt, vrps, irr, asrel, bogons, delegated, peeringdb, asnames",
			    origin, lineno);
			free(copy);
			sources_free(out);
			return -1;
		}
		XGROW(out->v, cap, (size_t)out->n + 1);
		out->v[out->n++] = s;
	}
	free(copy);
	return 0;
}

int sources_load_file(const char *path, struct sources *out)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		log_err("%s: cannot open", path);
		return -1;
	}
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	char buf[4096];
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		XGROW(text, cap, len + n + 1);
		memcpy(text + len, buf, n);
		len += n;
	}
	fclose(f);
	if (text == NULL)
		text = xstrdup("");
	else
		text[len] = '\0';
	int rc = sources_parse(text, path, out);
	free(text);
	return rc;
}

void sources_free(struct sources *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Write template at the time tm into buf. */
static int expand(const char *template, const struct tm *tm, char *buf, size_t size)
{
	size_t o = 0;
	for (const char *p = template; *p; p++) {
		const char *fmt = NULL;
		int v = 0, adv = 0;
		if (strncmp(p, "{YYYY}", 6) == 0)
			fmt = "%04d", v = tm->tm_year + 1900, adv = 5;
		else if (strncmp(p, "{MM}", 4) == 0)
			fmt = "%02d", v = tm->tm_mon + 1, adv = 3;
		else if (strncmp(p, "{DD}", 4) == 0)
			fmt = "%02d", v = tm->tm_mday, adv = 3;
		else if (strncmp(p, "{HH}", 4) == 0)
			fmt = "%02d", v = tm->tm_hour, adv = 3;
		else if (strncmp(p, "{mm}", 4) == 0)
			fmt = "%02d", v = tm->tm_min, adv = 3;
		int k = fmt ? snprintf(buf + o, size - o, fmt, v)
		            : snprintf(buf + o, size - o, "%c", *p);
		if (k < 0 || (size_t)k >= size - o)
			return -1;
		o += (size_t)k;
		p += adv;
	}
	return 0;
}

/* t moved back to the start of its period (monthly: the first of the month, 00:00). */
static void period_start(time_t t, long period, int months, struct tm *tm)
{
	if (period > 0 && !months)
		t -= t % period;
	gmtime_r(&t, tm);
	if (months) {
		tm->tm_mday = 1;
		tm->tm_hour = tm->tm_min = tm->tm_sec = 0;
	}
}

int source_url(const struct source *s, time_t now, char *buf, size_t size)
{
	int pm, lm;
	long period = parse_span(s->period, &pm), lag = parse_span(s->lag, &lm);
	if (period < 0 || lag < 0 || strcmp(s->url, "-") == 0)
		return -1;
	time_t t = now - lag;
	struct tm tm;
	gmtime_r(&t, &tm);
	if (lm) { /* a lag in months */
		tm.tm_mon -= lm;
		tm.tm_mday = 1;
	}
	t = timegm(&tm); /* normalise a month rolled back past January */
	period_start(t, period, pm, &tm);
	return expand(s->url, &tm, buf, size);
}

int source_archive_url(const struct source *s, time_t date, char *buf, size_t size)
{
	if (strcmp(s->archive, "current") == 0 || strcmp(s->archive, "-") == 0)
		return 1;
	int pm;
	long period = parse_span(s->period, &pm);
	if (period < 0)
		return -1;
	struct tm tm;
	period_start(date, period, pm, &tm);
	return expand(strcmp(s->archive, "=") == 0 ? s->url : s->archive, &tm, buf, size);
}
