/*
 * PeeringDB API exports, parsed with json-c: {"data":[...]} with objects of one type (net,
 * poc, ix, ixlan, ixpfx; the type is told by the fields an object has, so files need no
 * particular name), or a combined dump {"net":{"data":[...]},"poc":{"data":[...]},...}.
 * Missing or mistyped fields are tolerated (left NULL / 0 and counted), never fatal.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "registry/registry.h"

enum pdb_type { PDB_UNKNOWN, PDB_NET, PDB_POC, PDB_IX, PDB_IXLAN, PDB_IXPFX };

void pdb_init(struct pdb *db)
{
	memset(db, 0, sizeof(*db));
	trie_init(&db->pfx);
	arena_init(&db->arena, 64 * 1024);
}

void pdb_free(struct pdb *db)
{
	free(db->net);
	free(db->poc);
	free(db->ix);
	free(db->ixlan);
	free(db->ixpfx);
	trie_free(&db->pfx);
	arena_free(&db->arena);
	memset(db, 0, sizeof(*db));
}

static const char *str(struct pdb *db, json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		db->st.bad_fields++;
		return NULL;
	}
	return arena_strdup(&db->arena, json_object_get_string(v));
}

static uint32_t num(struct pdb *db, json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int)) {
		db->st.bad_fields++;
		return 0;
	}
	int64_t x = json_object_get_int64(v);
	if (x < 0 || x > UINT32_MAX) {
		db->st.bad_fields++;
		return 0;
	}
	return (uint32_t)x;
}

static int has(json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

static enum pdb_type guess(json_object *o)
{
	if (has(o, "asn") && (has(o, "irr_as_set") || has(o, "info_type") || has(o, "poc_set")))
		return PDB_NET;
	if (has(o, "role") && (has(o, "net_id") || has(o, "net")))
		return PDB_POC;
	if (has(o, "prefix") && has(o, "ixlan_id"))
		return PDB_IXPFX;
	if (has(o, "ix_id") && (has(o, "rs_asn") || has(o, "mtu") || has(o, "dot1q_support")))
		return PDB_IXLAN;
	if (has(o, "name_long") || has(o, "proto_unicast") || has(o, "media"))
		return PDB_IX;
	return PDB_UNKNOWN;
}

static void add_object(struct pdb *db, json_object *o, enum pdb_type t)
{
	db->st.objects++;
	if (t == PDB_UNKNOWN)
		t = guess(o);
	switch (t) {
	case PDB_NET: {
		XGROW(db->net, db->capnet, db->nnet + 1);
		struct pdb_net *n = &db->net[db->nnet++];
		memset(n, 0, sizeof(*n));
		n->id = num(db, o, "id");
		n->asn = num(db, o, "asn");
		n->name = str(db, o, "name");
		n->irr_as_set = str(db, o, "irr_as_set");
		n->info_type = str(db, o, "info_type");
		n->website = str(db, o, "website");
		db->st.net++;
		break;
	}
	case PDB_POC: {
		XGROW(db->poc, db->cappoc, db->npoc + 1);
		struct pdb_poc *p = &db->poc[db->npoc++];
		p->id = num(db, o, "id");
		p->net_id = has(o, "net_id") ? num(db, o, "net_id") : num(db, o, "net");
		p->role = str(db, o, "role");
		p->name = str(db, o, "name");
		p->email = str(db, o, "email");
		p->phone = str(db, o, "phone");
		p->visible = str(db, o, "visible");
		db->st.poc++;
		break;
	}
	case PDB_IX: {
		XGROW(db->ix, db->capix, db->nix + 1);
		struct pdb_ix *x = &db->ix[db->nix++];
		x->id = num(db, o, "id");
		x->name = str(db, o, "name");
		x->name_long = str(db, o, "name_long");
		x->country = str(db, o, "country");
		x->city = str(db, o, "city");
		x->tech_email = str(db, o, "tech_email");
		x->policy_email = str(db, o, "policy_email");
		db->st.ix++;
		break;
	}
	case PDB_IXLAN: {
		XGROW(db->ixlan, db->capixlan, db->nixlan + 1);
		struct pdb_ixlan *l = &db->ixlan[db->nixlan++];
		l->id = num(db, o, "id");
		l->ix_id = num(db, o, "ix_id");
		l->rs_asn = num(db, o, "rs_asn");
		db->st.ixlan++;
		break;
	}
	case PDB_IXPFX: {
		const char *s = str(db, o, "prefix");
		struct prefix p;
		if (s == NULL || prefix_parse_loose(s, &p) != 0) {
			db->st.bad_fields++;
			break;
		}
		XGROW(db->ixpfx, db->capixpfx, db->nixpfx + 1);
		struct pdb_ixpfx *x = &db->ixpfx[db->nixpfx++];
		x->id = num(db, o, "id");
		x->ixlan_id = num(db, o, "ixlan_id");
		x->prefix = p;
		db->st.ixpfx++;
		break;
	}
	default:
		db->st.unknown++;
	}
	db->indexed = 0;
}

static void add_array(struct pdb *db, json_object *data, enum pdb_type t)
{
	if (!json_object_is_type(data, json_type_array))
		return;
	size_t n = json_object_array_length(data);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(data, i);
		if (o && json_object_is_type(o, json_type_object))
			add_object(db, o, t);
		else
			db->st.unknown++;
	}
}

int pdb_load_mem(struct pdb *db, const char *buf, size_t len, const char *name)
{
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *root =
	    json_tokener_parse_ex(tok, buf, (int)(len > INT32_MAX ? INT32_MAX : len));
	enum json_tokener_error err = json_tokener_get_error(tok);
	if (root == NULL || err != json_tokener_success) {
		log_err("%s: offset %zu: JSON error: %s", name,
		    (size_t)json_tokener_get_parse_end(tok),
		    err == json_tokener_success || err == json_tokener_continue
		        ? "unexpected end of input"
		        : json_tokener_error_desc(err));
		json_tokener_free(tok);
		if (root)
			json_object_put(root);
		return -1;
	}
	json_tokener_free(tok);
	static const struct {
		const char *key;
		enum pdb_type t;
	} parts[] = {{"net", PDB_NET}, {"poc", PDB_POC}, {"ix", PDB_IX}, {"ixlan", PDB_IXLAN},
	    {"ixpfx", PDB_IXPFX}};
	json_object *data;
	int rc = 0;
	if (json_object_is_type(root, json_type_object) &&
	    json_object_object_get_ex(root, "data", &data)) {
		add_array(db, data, PDB_UNKNOWN);
	} else if (json_object_is_type(root, json_type_object)) {
		int found = 0;
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
			json_object *part;
			if (json_object_object_get_ex(root, parts[i].key, &part) &&
			    json_object_is_type(part, json_type_object) &&
			    json_object_object_get_ex(part, "data", &data)) {
				add_array(db, data, parts[i].t);
				found = 1;
			}
		}
		if (!found) {
			log_err("%s: no \"data\" array: not a PeeringDB export", name);
			rc = -1;
		}
	} else {
		log_err("%s: top level is not an object: not a PeeringDB export", name);
		rc = -1;
	}
	json_object_put(root);
	pdb_index(db);
	return rc;
}

int pdb_load(struct pdb *db, const char *path)
{
	size_t n;
	char *buf = zinput_slurp(path, &n); /* any compression, detected from the bytes */
	if (buf == NULL)
		return -1;
	int rc = pdb_load_mem(db, buf, n, path);
	free(buf);
	return rc;
}

static int cmp_net(const void *a, const void *b)
{
	const struct pdb_net *x = a, *y = b;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

static int cmp_poc(const void *a, const void *b)
{
	const struct pdb_poc *x = a, *y = b;
	if (x->net_id != y->net_id)
		return x->net_id < y->net_id ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_ix(const void *a, const void *b)
{
	const struct pdb_ix *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_ixlan(const void *a, const void *b)
{
	const struct pdb_ixlan *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

void pdb_index(struct pdb *db)
{
	if (db->nnet) /* qsort's array must not be NULL, even when empty */
		qsort(db->net, db->nnet, sizeof(*db->net), cmp_net);
	if (db->npoc)
		qsort(db->poc, db->npoc, sizeof(*db->poc), cmp_poc);
	if (db->nix)
		qsort(db->ix, db->nix, sizeof(*db->ix), cmp_ix);
	if (db->nixlan)
		qsort(db->ixlan, db->nixlan, sizeof(*db->ixlan), cmp_ixlan);
	/* link every net to its run of contacts (pocs sorted by net_id) */
	for (size_t i = 0; i < db->nnet; i++) {
		struct pdb_net *n = &db->net[i];
		size_t lo = u32_lower_bound(
		    db->poc, db->npoc, sizeof(*db->poc), offsetof(struct pdb_poc, net_id), n->id);
		n->first_poc = (uint32_t)lo;
		n->npoc = 0;
		while (lo + n->npoc < db->npoc && db->poc[lo + n->npoc].net_id == n->id && n->id)
			n->npoc++;
	}
	trie_free(&db->pfx);
	trie_init(&db->pfx);
	for (size_t i = 0; i < db->nixpfx; i++)
		*trie_insert(&db->pfx, &db->ixpfx[i].prefix, NULL) = (void *)(uintptr_t)(i + 1);
	db->indexed = 1;
}

const struct pdb_net *pdb_net_by_asn(const struct pdb *db, uint32_t asn)
{
	size_t i = u32_lower_bound(
	    db->net, db->nnet, sizeof(*db->net), offsetof(struct pdb_net, asn), asn);
	return i < db->nnet && db->net[i].asn == asn ? &db->net[i] : NULL;
}

int pdb_net_contacts(const struct pdb *db, const struct pdb_net *n)
{
	static const char *roles[] = {"Technical", "NOC", "Policy", "Maintenance"};
	int count = 0;
	for (uint32_t i = 0; n && i < n->npoc; i++) {
		const struct pdb_poc *p = &db->poc[n->first_poc + i];
		int role = 0;
		for (size_t r = 0; p->role && r < sizeof(roles) / sizeof(roles[0]); r++)
			role |= strcasecmp(p->role, roles[r]) == 0;
		if (role && ((p->email && p->email[0]) || (p->phone && p->phone[0])))
			count++;
	}
	return count;
}

const struct pdb_ix *pdb_ix_by_id(const struct pdb *db, uint32_t id)
{
	size_t i =
	    u32_lower_bound(db->ix, db->nix, sizeof(*db->ix), offsetof(struct pdb_ix, id), id);
	return i < db->nix && db->ix[i].id == id ? &db->ix[i] : NULL;
}

const struct pdb_ixlan *pdb_ixlan_by_id(const struct pdb *db, uint32_t id)
{
	size_t i = u32_lower_bound(
	    db->ixlan, db->nixlan, sizeof(*db->ixlan), offsetof(struct pdb_ixlan, id), id);
	return i < db->nixlan && db->ixlan[i].id == id ? &db->ixlan[i] : NULL;
}

const struct pdb_ixpfx *pdb_ixp_prefix(const struct pdb *db, const struct prefix *p)
{
	uintptr_t i = (uintptr_t)trie_longest(&db->pfx, p, NULL);
	return i ? &db->ixpfx[i - 1] : NULL;
}
