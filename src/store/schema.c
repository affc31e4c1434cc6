/* The store's schema as an ordered list of migrations: migration i brings user_version from
 * i to i + 1. Append only; never edit a released step. */
#include "store_private.h"

const char *const store_migrations[] = {
    /* 0 -> 1: the first schema */
    "CREATE TABLE snapshot ("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE,"
    "  created INTEGER NOT NULL,"
    "  period_start INTEGER, period_end INTEGER,"
    "  label TEXT,"
    "  routes INTEGER, prefixes_v4 INTEGER, prefixes_v6 INTEGER, ases INTEGER);"
    "CREATE TABLE snapshot_input ("
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT,"
    "  size INTEGER, records INTEGER, malformed INTEGER);"
    "CREATE TABLE as_info ("
    "  asn INTEGER PRIMARY KEY, name TEXT, cc TEXT, rir TEXT);"
    "CREATE TABLE as_metric ("
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    "  asn INTEGER NOT NULL, metric TEXT NOT NULL,"
    "  raw REAL, percent REAL, count INTEGER,"
    "  PRIMARY KEY (snapshot_id, asn, metric)) WITHOUT ROWID;"
    "CREATE INDEX as_metric_rank ON as_metric(snapshot_id, metric, raw);"
    "CREATE TABLE as_summary ("
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    "  asn INTEGER NOT NULL,"
    "  prefixes_v4 INTEGER, prefixes_v6 INTEGER, routes INTEGER,"
    "  rpki_valid INTEGER, rpki_invalid INTEGER, rpki_notfound INTEGER,"
    "  irr_registered INTEGER, irr_unregistered INTEGER,"
    "  action1 REAL, action2 REAL, action3 REAL, action4_irr REAL, action4_rpki REAL,"
    "  PRIMARY KEY (snapshot_id, asn)) WITHOUT ROWID;"
    "CREATE TABLE finding ("
    "  id INTEGER PRIMARY KEY,"
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    "  asn INTEGER NOT NULL, metric TEXT NOT NULL, culprit INTEGER,"
    "  prefix TEXT, origin INTEGER, path TEXT, peer_ip TEXT, peer_asn INTEGER, peers INTEGER,"
    "  first_seen INTEGER, last_seen INTEGER, detail TEXT, evidence TEXT);"
    /* (metric, prefix) too: an AS's findings page comes off the index in order */
    "CREATE INDEX finding_order ON finding(snapshot_id, asn, metric, prefix);"
    "CREATE INDEX finding_prefix ON finding(snapshot_id, prefix);"
    "CREATE TABLE incident ("
    "  id INTEGER PRIMARY KEY,"
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    "  asn INTEGER NOT NULL, metric TEXT NOT NULL,"
    "  start INTEGER, end INTEGER, weight REAL, score REAL, nevents INTEGER,"
    "  duration_known INTEGER);"
    "CREATE INDEX incident_asn ON incident(snapshot_id, asn, metric);"
    /* routes as blocks of packed records, by origin (kind 2) and by address block
     * (kind 3): see routes.c */
    "CREATE TABLE route_block ("
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    "  kind INTEGER NOT NULL, key INTEGER NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL);"
    "CREATE UNIQUE INDEX route_block_key ON route_block(snapshot_id, kind, key);"
    "CREATE TABLE global_stat ("
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    "  scope TEXT NOT NULL, key TEXT NOT NULL, value REAL,"
    "  PRIMARY KEY (snapshot_id, scope, key)) WITHOUT ROWID;",
    /* 1 -> 2: conformance attestations and audit records (src/store/attest.c); they belong
     * to an AS and a control, not to a snapshot */
    "CREATE TABLE attestation ("
    "  id INTEGER PRIMARY KEY,"
    "  asn INTEGER NOT NULL, control TEXT NOT NULL, kind TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL, file TEXT, size INTEGER, created INTEGER NOT NULL,"
    "  who TEXT, note TEXT);"
    "CREATE INDEX attestation_asn ON attestation(asn, control);",
    /* 2 -> 3: routes in blocks of a few hundred (kinds 2 and 3, see routes.c; snapshots
     * stored in kinds 0 and 1 are reported as needing a new analysis), and no index of
     * findings by prefix (no query used it; it cost a random insert per finding) */
    "DROP INDEX IF EXISTS finding_prefix;",
    /* 3 -> 4: attestations get a validity period and can be revoked (src/store/attest.c): rows
     * filed before keep no end (valid_until NULL) and are valid from their filing */
    "ALTER TABLE attestation ADD COLUMN valid_from INTEGER;"
    "ALTER TABLE attestation ADD COLUMN valid_until INTEGER;"
    "ALTER TABLE attestation ADD COLUMN revoked INTEGER;"
    "ALTER TABLE attestation ADD COLUMN revoked_by TEXT;"
    "ALTER TABLE attestation ADD COLUMN revoke_reason TEXT;"
    "UPDATE attestation SET valid_from = created;",
    /* 4 -> 5: disputes of findings (src/store/dispute.c). A dispute names a finding by its
     * identity across snapshots (asn, metric, prefix, origin) and applies from the period
     * of the snapshot it was raised on; every change of state is a dispute_event row; only
     * one open or accepted dispute per identity. finding.disputed is the accepted dispute
     * that took the finding out of its snapshot's scores (observe/rescore.c). */
    "CREATE TABLE dispute ("
    "  id INTEGER PRIMARY KEY,"
    "  asn INTEGER NOT NULL, metric TEXT NOT NULL, prefix TEXT NOT NULL,"
    "  origin INTEGER NOT NULL,"
    "  finding_id INTEGER, snapshot_id INTEGER NOT NULL, period_start INTEGER NOT NULL,"
    "  state TEXT NOT NULL, reason TEXT NOT NULL, opened_by TEXT,"
    "  created INTEGER NOT NULL, reviewer TEXT, decided INTEGER, note TEXT);"
    "CREATE UNIQUE INDEX dispute_live ON dispute(asn, metric, prefix, origin) "
    "  WHERE state IN ('open', 'accepted');"
    "CREATE INDEX dispute_asn ON dispute(asn, state);"
    "CREATE TABLE dispute_event ("
    "  id INTEGER PRIMARY KEY,"
    "  dispute_id INTEGER NOT NULL REFERENCES dispute(id),"
    "  time INTEGER NOT NULL, who TEXT, from_state TEXT, to_state TEXT NOT NULL, note TEXT);"
    "CREATE INDEX dispute_event_of ON dispute_event(dispute_id);"
    "ALTER TABLE finding ADD COLUMN disputed INTEGER;"
    /* and the sightings a finding's incidents are rebuilt from: the RIB snapshots' dates
     * and the span of its update-stream announcements (0 = none) */
    "ALTER TABLE finding ADD COLUMN rib_first INTEGER;"
    "ALTER TABLE finding ADD COLUMN rib_last INTEGER;"
    "ALTER TABLE finding ADD COLUMN upd_first INTEGER;"
    "ALTER TABLE finding ADD COLUMN upd_last INTEGER;",
    /* 5 -> 6: organisations and ASPA. Each AS's CAIDA organisation (id and name) for
     * the organisation scorecards, aggregated at read time from the members' rows
     * (report/org.c); per snapshot and AS, whether it publishes ASPA (is the customer AS of
     * an ASPA object: 1, 0, NULL without ASPA data) and how many of its routes were seen
     * with an ASPA-invalid path (NULL when no path was verified: no ASPA data, or a table) */
    "ALTER TABLE as_info ADD COLUMN org_id TEXT;"
    "ALTER TABLE as_info ADD COLUMN org_name TEXT;"
    "CREATE INDEX as_info_org ON as_info(org_id);"
    "ALTER TABLE as_summary ADD COLUMN aspa INTEGER;"
    "ALTER TABLE as_summary ADD COLUMN aspa_invalid INTEGER;",
    /* 6 -> 7: provenance of a snapshot (src/store/provenance.c): each input's data date
     * (NULL when it cannot be known) and where it was read from ("content", "name",
     * "records"), and the known coverage gaps of the snapshot's data, a warning where they
     * distort verdicts */
    "ALTER TABLE snapshot_input ADD COLUMN data_time INTEGER;"
    "ALTER TABLE snapshot_input ADD COLUMN date_from TEXT;"
    "CREATE TABLE snapshot_gap ("
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL, code TEXT NOT NULL, detail TEXT NOT NULL,"
    "  warning INTEGER NOT NULL);"
    "CREATE INDEX snapshot_gap_of ON snapshot_gap(snapshot_id);",
    /* 7 -> 8: the live monitor's alert events (src/store/alert.c), outside snapshots: every
     * event of an alert's life (opened, updated, resolved) in order of id (AUTOINCREMENT:
     * never reused, a stream's Last-Event-ID stays meaningful), and per alert its latest
     * event (the current state) and since when it is open */
    "CREATE TABLE alert_event ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  alert_id TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL,"
    "  time INTEGER NOT NULL, prefix TEXT NOT NULL, asn INTEGER NOT NULL,"
    "  severity INTEGER NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,"
    "  json TEXT NOT NULL);"
    "CREATE INDEX alert_event_of ON alert_event(alert_id, time);"
    "CREATE TABLE alert ("
    "  alert_id TEXT PRIMARY KEY,"
    "  last_id INTEGER NOT NULL, open INTEGER NOT NULL, since INTEGER NOT NULL);"
    "CREATE INDEX alert_open ON alert(open, last_id);"
    "CREATE INDEX alert_recent ON alert(last_id);",
    /* 8 -> 9: the VRP sets snapshots were judged with (src/store/vrpset.c), by the SHA-256 of
     * the VRP file (snapshot_input.sha256), each stored once however many snapshots use it:
     * what a snapshot diff reads to say which ROAs appeared */
    "CREATE TABLE vrp_set (sha256 TEXT PRIMARY KEY, vrps INTEGER NOT NULL, data BLOB NOT NULL);",
};

const int store_nmigrations = (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
