# mk/bench.mk - learnpath's benchmark; bench/run.sh says what it does.
#   make bench                       3,000,000 enrollments, 5 runs per row
#   BENCH_ROWS=30000000 make bench   the large size (also BENCH_RUNS, ...)
#   make bench-smoke                 50,000 enrollments, 1 run: checks that the
#                                    harness works and that the window-SQL
#                                    peer and learnpath agree; part of make test
#                                    (its timings are not asserted)
#   make bench-ab BENCH_A=old.so         two builds alternately on the same data
#                                        (default B: dist/learnpath.so), medians,
#                                        spread and ratios to the scan: is a
#                                        change faster or slower (bench/ab.sh)
BENCH_SMOKE_ROWS ?= 50000

.PHONY: bench bench-smoke bench-ab
TEST_TARGETS += bench-smoke

bench: $(EXT)
	@BENCH_CMD='make bench' SQLITE3='$(SQLITE3)' sh bench/run.sh

bench-smoke: $(EXT)
	@BENCH_ROWS=$(BENCH_SMOKE_ROWS) BENCH_RUNS=1 BENCH_PEER_RUNS=1 \
	    BENCH_RESULTS=bench/data/results-smoke-$(BENCH_SMOKE_ROWS).txt \
	    BENCH_CMD='make bench-smoke' SQLITE3='$(SQLITE3)' sh bench/run.sh

bench-ab: $(EXT)
	@BENCH_B="$${BENCH_B:-$(EXT)}" SQLITE3='$(SQLITE3)' sh bench/ab.sh
