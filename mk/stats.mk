# mk/stats.mk - the tests of difference (README rule 22, ext/lp_stats.c)
# against scipy and R: tests/oracle/stats.py sends seeded cases to
# build/stats_driver (the extension compiled in) and compares every
# statistic, df and p-value with scipy.stats (chi2_contingency, fisher_exact,
# binomtest's Wilson interval, chi2/norm tails, mpmath for log10 p past the
# double range) and R's survdiff, to a relative 1e-9.
#   make test-stats   as root it installs python3-scipy, python3-mpmath (and R)
#                     with apt-get when missing; what cannot be installed
#                     says SKIP, never passed                              [make test]
.PHONY: test-stats
TEST_TARGETS += test-stats

STATS_DRIVER := build/stats_driver

$(STATS_DRIVER): tests/oracle/stats_driver.c $(SRCS) $(HDRS) | deps
	@mkdir -p build
	$(CC) -O2 -g $(LP_CFLAGS) $(LP_CORE) $(shell pkg-config --cflags sqlite3) \
	    -o $@ tests/oracle/stats_driver.c $(SRCS) $(shell pkg-config --libs sqlite3) -lm

test-stats: $(STATS_DRIVER)
	@sh tests/oracle/stats.sh $(STATS_DRIVER)
