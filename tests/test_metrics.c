/* observe: incident merging and weights, the score curve, M7 formulas, readiness. */
#include <math.h>

#include "testutil.h"
#include "observe/observe.h"

#define H 3600
#define MIN 60

static void test_duration_score(void **state)
{
	struct observe_config c;
	observe_config_default(&c);
	assert_true(incident_duration_score(&c, 29 * MIN, 1) == 0.5);
	assert_true(incident_duration_score(&c, 30 * MIN, 1) == 1);
	assert_true(incident_duration_score(&c, 24 * H - 1, 1) == 1);
	assert_true(incident_duration_score(&c, 24 * H, 1) == 2);
	assert_true(incident_duration_score(&c, 25 * H, 1) == 2);
	assert_true(incident_duration_score(&c, 72 * H, 1) == 4);
	assert_true(incident_duration_score(&c, 0, 0) == 1); /* single snapshot default */
}

/* The doc's example: 29 min, 13 h, 25 h -> 3.5. */
static void test_merge_example(void **state)
{
	struct observe_config c;
	observe_config_default(&c);
	struct event ev[] = {
	    {64500, M2, 1, 0, 29 * MIN, 1},
	    {64500, M2, 1, 10 * H, 23 * H, 1},
	    {64500, M2, 1, 100 * H, 125 * H, 1},
	};
	struct incident out[3];
	size_t n = incidents_merge(&c, ev, 3, out);
	assert_int_equal(n, 3);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += out[i].score;
	assert_true(sum == 3.5);
}

static void test_merge_overlap_touch(void **state)
{
	struct observe_config c;
	observe_config_default(&c);
	struct event ev[] = {
	    {1, M3, 1, 100, 200, 1}, {1, M3, 1, 150, 300, 1}, /* overlaps */
	    {1, M3, 1, 300, 400, 1},                          /* touches */
	    {1, M3, 1, 401, 500, 1},                          /* separate */
	    {1, M3, 2, 100, 200, 1},                          /* other weight: separate */
	    {1, M4, 1, 100, 200, 1},                          /* other metric */
	    {2, M3, 1, 100, 200, 1},                          /* other AS */
	    {1, M3, 1, 110, 120, 1},                          /* inside the first */
	};
	struct incident out[8];
	size_t n = incidents_merge(&c, ev, 8, out);
	assert_int_equal(n, 5);
	assert_int_equal(out[0].asn, 1);
	assert_int_equal(out[0].metric, M3);
	assert_int_equal(out[0].start, 100);
	assert_int_equal(out[0].end, 400);
	assert_int_equal(out[0].nevents, 4);
	assert_int_equal(out[1].start, 401);
	assert_true(out[2].weight == 2);
	assert_true(out[2].score == 1.0); /* 100 s -> 0.5 x weight 2 */
	assert_int_equal(out[4].asn, 2);
}

static void test_curve(void **state)
{
	struct observe_config c;
	observe_config_default(&c);
	assert_true(metric_percent(&c, 0) == 100);
	assert_true(fabs(metric_percent(&c, 0.5) - 60.4) < 0.5);
	assert_true(fabs(metric_percent(&c, 1) - 49) < 0.5);
	assert_true(fabs(metric_percent(&c, 2) - 36.5) < 0.5);
	/* a replacement curve from configuration */
	static const struct curve_point pts[] = {{0, 100}, {1, 50}, {3, 0}};
	c.curve = pts;
	c.ncurve = 3;
	assert_true(metric_percent(&c, 0.5) == 75);
	assert_true(metric_percent(&c, 2) == 25);
	assert_true(metric_percent(&c, 10) == 0);
}

static void test_m7(void **state)
{
	struct observe_config c;
	observe_config_default(&c);
	assert_true(m7rpki_percent(&c, 0, 0, 0) == -1); /* no data, not 0 */
	assert_true(m7rpki_percent(&c, 100, 0, 100) == 100);
	assert_true(fabs(m7rpki_percent(&c, 90, 1, 100) - 80) < 1e-9); /* 90 - 10 x 1 */
	assert_true(m7rpki_percent(&c, 50, 10, 100) == 0);             /* clamped */
	assert_true(m7irr_percent(3, 4) == 75);
	assert_true(m7irr_percent(0, 0) == -1);
}

static void test_readiness(void **state)
{
	struct observe_config c;
	observe_config_default(&c);
	assert_int_equal(readiness_of(&c, -1), READY_NO_DATA);
	assert_int_equal(readiness_of(&c, 0), READY_LAGGING);
	assert_int_equal(readiness_of(&c, 49.99), READY_LAGGING);
	assert_int_equal(readiness_of(&c, 50), READY_ASPIRING);
	assert_int_equal(readiness_of(&c, 90), READY_READY);
	assert_string_equal(readiness_name(READY_NO_DATA), "no data");
}

static void test_action1(void **state)
{
	struct observe_config c;
	observe_config_default(&c);
	double pct[METRIC_COUNT];
	for (int i = 0; i < METRIC_COUNT; i++)
		pct[i] = -1;
	assert_true(action1_score(&c, pct) == -1);
	pct[M1] = 0; /* excluded by default */
	pct[M2] = 100, pct[M2C] = 40, pct[M3] = 100, pct[M3C] = 100, pct[M4] = 100;
	pct[M4C] = 100;
	assert_true(action1_score(&c, pct) == 90);
	c.action1_with_m1 = 1;
	pct[M1C] = 100;
	assert_true(action1_score(&c, pct) == 80);
	assert_non_null(metric_by_name("m7rpki"));
	assert_int_equal(metric_by_name("M2C")->id, M2C);
	assert_null(metric_by_name("M6"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_duration_score),
	    cmocka_unit_test(test_merge_example),
	    cmocka_unit_test(test_merge_overlap_touch),
	    cmocka_unit_test(test_curve),
	    cmocka_unit_test(test_m7),
	    cmocka_unit_test(test_readiness),
	    cmocka_unit_test(test_action1),
	};
	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
