/* routemark metrics: the metric definitions and the defaults routemark chose, from the one
 * table in observe (docs/metrics.md embeds this output; a test keeps them equal). */
#include <json-c/json.h>
#include <string.h>

#include "cli/cli.h"
#include "observe/observe.h"

static const char *kind_name(enum metric_kind k)
{
	static const char *n[] = {"incidents", "share", "presence", "count"};
	return n[k];
}

static void markdown(void)
{
	struct observe_config c;
	observe_config_default(&c);
	printf("| id | action | kind | what it counts |\n|---|---|---|---|\n");
	for (int i = 0; i < METRIC_COUNT; i++) {
		const struct metric_def *d = &metric_defs[i];
		printf(
		    "| %s | %d | %s | %s |\n", d->name, d->action, kind_name(d->kind), d->counts);
	}
	printf("\nDefaults (routemark's choices where MANRS publishes no number):\n\n"
	       "| setting | value |\n|---|---|\n"
	       "| score curve | percent = 100 x exp(-%.4f x sqrt(raw)) |\n"
	       "| readiness: ready | >= %.0f %% |\n"
	       "| readiness: aspiring | >= %.0f %% |\n"
	       "| incident seen in one RIB snapshot | score %.0f |\n"
	       "| M7RPKI | share valid - %.0f x share invalid, clamped to 0..100 %% |\n"
	       "| Action 1 score | mean of M2, M2C, M3, M3C, M4, M4C%s |\n",
	    c.curve_k, c.ready_min, c.aspiring_min, c.snapshot_score, c.rpki_invalid_factor,
	    c.action1_with_m1 ? ", M1, M1C" : " (M1 and M1C shown, not scored)");
}

static void json(void)
{
	json_object *a = json_object_new_array();
	for (int i = 0; i < METRIC_COUNT; i++) {
		const struct metric_def *d = &metric_defs[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(d->name));
		json_object_object_add(o, "action", json_object_new_int(d->action));
		json_object_object_add(o, "kind", json_object_new_string(kind_name(d->kind)));
		json_object_object_add(o, "customer", json_object_new_boolean(d->customer));
		json_object_object_add(o, "title", json_object_new_string(d->title));
		json_object_object_add(o, "counts", json_object_new_string(d->counts));
		json_object_array_add(a, o);
	}
	cli_print_json(a);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: routemark metrics [--format markdown|json]\n\n"
	           "The MANRS metrics routemark measures (id, action, kind, what each counts) and\n"
	           "the defaults it uses where MANRS publishes no number. See docs/metrics.md.\n");
}

int cmd_metrics(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *fmt = "markdown";
	int opt, rc;
	optind = 1; /* no configuration file: nothing here depends on the site */
	while ((opt = cli_getopt(argc, argv, "h", longopts, usage, &rc)) != -1) {
		if (opt == CLI_OPT_EXIT)
			return rc;
		fmt = optarg; /* 'f', the only other option */
	}
	switch (cli_format(fmt, "markdown json")) {
	case 0:
		markdown();
		return 0;
	case 1:
		json();
		return 0;
	}
	return 1;
}
