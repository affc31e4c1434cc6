/*
 * The route table: every path the server answers, one row each. Adding a page or an endpoint
 * is one row here and one handler (declared in serve_private.h); a row with a nav label also
 * appears in the dashboard's navigation bar. Keep docs/openapi.yaml in step with the API rows.
 */
#include "serve/serve_private.h"

#define SNAP "snapshot"
#define PAGING "limit,offset"

const struct route serve_routes[] = {
    /* JSON API */
    {ROUTE_API, "/api/v1", api_index, "", NULL},
    {ROUTE_API, "/api/v1/summary", api_summary, SNAP, NULL},
    {ROUTE_API, "/api/v1/snapshots", api_snapshots, PAGING, NULL},
    {ROUTE_API, "/api/v1/history", api_history, "scope", NULL},
    {ROUTE_API, "/api/v1/diff", api_diff, "from,to,limit,roas", NULL},
    {ROUTE_API, "/api/v1/as/{asn}", api_as, SNAP ",findings", NULL},
    {ROUTE_API, "/api/v1/as/{asn}/findings", api_as_findings, SNAP ",metric," PAGING, NULL},
    {ROUTE_API, "/api/v1/as/{asn}/incidents", api_as_incidents, SNAP ",metric,from,to," PAGING,
        NULL},
    {ROUTE_API, "/api/v1/as/{asn}/history", api_as_history, "", NULL},
    {ROUTE_API, "/api/v1/as/{asn}/disputes", api_as_disputes, "state", NULL},
    {ROUTE_API, "/api/v1/prefix/{*}", api_prefix, SNAP ",covering", NULL},
    {ROUTE_API, "/api/v1/org/{*}/history", api_org_history, "", NULL},
    {ROUTE_API, "/api/v1/org/{*}", api_org, SNAP, NULL},
    {ROUTE_API, "/api/v1/incidents", api_incidents, SNAP ",metric,asn,from,to," PAGING, NULL},
    {ROUTE_API, "/api/v1/search", api_search, "q,limit", NULL},
    {ROUTE_API, "/api/v1/top", api_top, SNAP ",metric,limit", NULL},
    {ROUTE_API, "/api/v1/compare", api_compare, SNAP ",asn", NULL},
    {ROUTE_API, "/api/v1/as/{asn}/conformance", api_as_conformance, SNAP ",profile", NULL},
    {ROUTE_API, "/api/v1/compare/conformance", api_compare_conformance, SNAP ",asn,profile", NULL},
    {ROUTE_API, "/api/v1/as/{asn}/conformance.jws", api_as_conformance_jws, SNAP ",profile", NULL},
    {ROUTE_API, "/.well-known/jwks.json", api_jwks, "", NULL},
    {ROUTE_API, "/api/v1/events", api_events, "after", NULL},
    {ROUTE_API, "/api/v1/alerts", api_alerts, "state,limit", NULL},
    /* dashboard */
    {ROUTE_PAGE, "/", page_overview, SNAP, "Overview"},
    {ROUTE_PAGE, "/incidents", page_incidents, SNAP ",metric,asn,from,to,page", "Incidents"},
    {ROUTE_PAGE, "/compare", page_compare, SNAP ",asn", "Compare"},
    {ROUTE_PAGE, "/top", page_top, SNAP ",metric", "Rankings"},
    {ROUTE_PAGE, "/alerts", page_alerts, "", "Alerts"},
    {ROUTE_PAGE, "/search", page_search, "q", "Search"},
    {ROUTE_PAGE, "/alerts.js", alerts_js, "", NULL},
    {ROUTE_PAGE, "/as/{asn}", page_as, SNAP ",page", NULL},
    {ROUTE_PAGE, "/prefix/{*}", page_prefix, SNAP, NULL},
    {ROUTE_PAGE, "/org/{*}", page_org, SNAP, NULL},
    {ROUTE_PAGE, "/as/{asn}/conformance", page_as_conformance, SNAP ",profile", NULL},
    {ROUTE_PAGE, "/compare/conformance", page_compare_conformance, SNAP ",asn,profile", NULL},
    /* embeddable quality mark */
    {ROUTE_BADGE, "/badge/{badge}", badge_svg, SNAP ",profile", NULL},
};

const size_t serve_nroutes = sizeof(serve_routes) / sizeof(serve_routes[0]);
