/* check_main.c - runs the Check suites of learnpath; exit 1 on failure.
**
** With no argument every suite runs. With "K/2" (K = 0 or 1) only the
** suites of half K run: `make test-unit` runs both halves at once, one per
** core (tests/unit/run-halves.sh). The halves are set by hand in aSuite so
** that each takes about half the time; every suite is in exactly one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_test.h"

static const struct {
    Suite *(*xMake)(void);
    int iHalf;
} aSuite[] = {
    {make_user_suite, 1},        {make_aggregate_suite, 0}, {make_continuation_suite, 0},
    {make_popularity_suite, 1},  {make_group_suite, 1},     {make_profile_suite, 0},
    {make_sample_suite, 1},      {make_svg_suite, 0},       {make_settings_suite, 0},
    {make_report_suite, 0},      {make_time_suite, 0},      {make_args_suite, 0},
    {make_plan_suite, 0},        {make_trust_suite, 1},     {make_threads_suite, 1},
    {make_registry_suite, 0},    {make_where_suite, 1},     {make_bounds_suite, 0},
    {make_source_suite, 0},      {make_stats_suite, 0},     {make_compare_suite, 1},
};

int main(int argc, char **argv) {
    int iHalf = -1;
    if (argc > 1) {
        if (strcmp(argv[1], "0/2") != 0 && strcmp(argv[1], "1/2") != 0) {
            fprintf(stderr, "usage: %s [0/2 | 1/2]\n", argv[0]);
            return EXIT_FAILURE;
        }
        iHalf = argv[1][0] - '0';
    }
    SRunner *sr = NULL;
    for (size_t i = 0; i < sizeof(aSuite) / sizeof(aSuite[0]); i++) {
        if (iHalf >= 0 && aSuite[i].iHalf != iHalf) continue;
        if (sr == NULL) {
            sr = srunner_create(aSuite[i].xMake());
        } else {
            srunner_add_suite(sr, aSuite[i].xMake());
        }
    }
    srunner_run_all(sr, CK_NORMAL);
    int nFailed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nFailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
