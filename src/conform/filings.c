/* Attestations and audit records as evidence: each filing with its state at the evaluation
 * time (valid, expired, revoked, not yet valid); only valid ones count for a control. */
#include <inttypes.h>
#include <string.h>

#include "conform_evidence.h"

/* Why a filing does not count, or its validity period when it does. */
static void state_text(
    const struct store_attestation *f, enum store_att_state s, char *buf, size_t size)
{
	char b1[40], b2[40];
	switch (s) {
	case STORE_ATT_EXPIRED:
		snprintf(
		    buf, size, "expired on %s", time_utc_format(f->valid_until, b1, sizeof(b1)));
		return;
	case STORE_ATT_REVOKED:
		snprintf(buf, size, "revoked on %s by %s: %s",
		    time_utc_format(f->revoked, b1, sizeof(b1)),
		    f->revoked_by ? f->revoked_by : "?", f->revoke_reason ? f->revoke_reason : "");
		return;
	case STORE_ATT_NOT_YET_VALID:
		snprintf(buf, size, "not valid before %s",
		    time_utc_format(f->valid_from, b1, sizeof(b1)));
		return;
	case STORE_ATT_VALID:
		break;
	}
	if (f->valid_until)
		snprintf(buf, size, "valid %s to %s",
		    time_utc_format(f->valid_from, b1, sizeof(b1)),
		    time_utc_format(f->valid_until, b2, sizeof(b2)));
	else
		snprintf(buf, size, "valid since %s, no end",
		    time_utc_format(f->valid_from, b1, sizeof(b1)));
}

size_t ev_filings(struct ev_list *l, const struct store_attestation *f, size_t n, int64_t now,
    char *why, size_t whysize)
{
	size_t valid = 0;
	why[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		enum store_att_state s = store_attestation_state(&f[i], now);
		char st[600];
		state_text(&f[i], s, st, sizeof(st));
		if (s == STORE_ATT_VALID)
			valid++;
		else {
			size_t len = strlen(why);
			snprintf(why + len, whysize - len, "%sattestation %" PRId64 " %s",
			    len ? "; " : "", f[i].id, st);
		}
		struct conform_evidence *e = ev_add(l, "attestation");
		if (e == NULL)
			continue;
		e->time = f[i].created;
		e->asn = f[i].asn;
		e->state = f[i].kind;
		e->filing = &f[i];
		e->filing_state = store_att_state_name(s);
		e->text =
		    ev_printf(l->a, "#%" PRId64 " %s by %s: %s (%" PRIu64 " bytes, sha256 %s); %s",
		        f[i].id, f[i].kind, f[i].who ? f[i].who : "unknown",
		        f[i].file ? f[i].file : "-", f[i].size, f[i].sha256, st);
	}
	return valid;
}
