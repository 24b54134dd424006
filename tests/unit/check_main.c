/* check_main.c - runs every Check suite of learnpath; exit 1 on failure. */
#include <stdlib.h>

#include "lp_test.h"

int main(void) {
    SRunner *sr = srunner_create(make_user_suite());
    srunner_add_suite(sr, make_aggregate_suite());
    srunner_add_suite(sr, make_continuation_suite());
    srunner_add_suite(sr, make_popularity_suite());
    srunner_add_suite(sr, make_group_suite());
    srunner_add_suite(sr, make_profile_suite());
    srunner_add_suite(sr, make_sample_suite());
    srunner_add_suite(sr, make_svg_suite());
    srunner_add_suite(sr, make_settings_suite());
    srunner_add_suite(sr, make_report_suite());
    srunner_add_suite(sr, make_time_suite());
    srunner_add_suite(sr, make_args_suite());
    srunner_add_suite(sr, make_plan_suite());
    srunner_add_suite(sr, make_trust_suite());
    srunner_add_suite(sr, make_threads_suite());
    srunner_add_suite(sr, make_registry_suite());
    srunner_add_suite(sr, make_where_suite());
    srunner_add_suite(sr, make_bounds_suite());
    srunner_add_suite(sr, make_source_suite());
    srunner_add_suite(sr, make_stats_suite());
    srunner_add_suite(sr, make_compare_suite());
    srunner_run_all(sr, CK_NORMAL);
    int nFailed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nFailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
