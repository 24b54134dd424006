# mk/bench.mk - learnpath's benchmark; bench/run.sh says what it does.
#   make bench                       3,000,000 enrollments in every data shape
#                                    (favorable, text-time, email-time,
#                                    int-time, text-random), 5 runs per row,
#                                    peers: window SQL, pandas, DuckDB
#                                    and the whole report (make report) against
#                                    the scan and against DuckDB's six answers
#   BENCH_SHAPES=text-time make bench    some shapes only
#   BENCH_ROWS=31000000 BENCH_SHAPES=text-time BENCH_RUNS=3 BENCH_PEERS=duckdb make bench
#                                    the large size as issue 12 asks it
#   make bench-smoke                 50,000 enrollments, every shape, 1 run:
#                                    checks that the harness works, that the
#                                    peers and learnpath agree, that the six
#                                    reports' tables equal their plain-SQL
#                                    form's (bench/report_plain.sql) and
#                                    DuckDB's, and that every
#                                    shape gives the same answers; part of
#                                    make test (its timings are not asserted;
#                                    it does not apt-get Node.js for DuckDB,
#                                    nor pandas: without them it notes so)
#   The extension measured is $(EXT); `make bench EXT=other/learnpath.so`
#   measures another build (its file name must stay learnpath.so).
#   make bench-ab BENCH_A=old.so         two builds alternately on the same data
#                                        (default B: dist/learnpath.so), medians,
#                                        spread and ratios to the scan: is a
#                                        change faster or slower (bench/ab.sh)
BENCH_SMOKE_ROWS ?= 50000

.PHONY: bench bench-smoke bench-ab
TEST_TARGETS += bench-smoke

bench: $(EXT)
	@BENCH_CMD='make bench' BENCH_EXT='$(EXT)' SQLITE3='$(SQLITE3)' sh bench/run.sh

bench-smoke: $(EXT)
	@BENCH_ROWS=$(BENCH_SMOKE_ROWS) BENCH_RUNS=1 BENCH_PEER_RUNS=1 BENCH_APT=0 \
	    BENCH_RESULTS=bench/data/results-smoke-$(BENCH_SMOKE_ROWS).txt \
	    BENCH_CMD='make bench-smoke' BENCH_EXT='$(EXT)' SQLITE3='$(SQLITE3)' sh bench/run.sh

bench-ab: $(EXT)
	@BENCH_B="$${BENCH_B:-$(EXT)}" SQLITE3='$(SQLITE3)' sh bench/ab.sh
