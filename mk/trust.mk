# mk/trust.mk - "trust like SQLite": anomaly tests, sanitizers,
# valgrind, coverage and fuzzing. Each program ends with "N passed, M failed";
# the OOM, nested and replay programs share their reporting, counting, -v/-k
# and that last line (tests/harness/lp_harness.c, compiled into each).
#
#   make test-oom      out-of-memory loop over every function (tests/oom/oom.c)  [make test]
#   make test-nested   errors of nested statements: locked, interrupted,
#                      progress handler, corrupt file, cache validity
#                      (tests/trust/nested.c)                                    [make test]
#   make fuzz-replay   every file of tests/fuzz/corpus/ once through each
#                      harness, without libFuzzer (gcc)                          [make test]
#   make asan          unit runner, OOM, nested and replay built with
#                      -fsanitize=address,undefined into build/asan/, and run
#   make tsan          the helper-thread tests (unit suite "threads", OOM loop
#                      scenarios "helper: ...") built with -fsanitize=thread
#                      into build/tsan/, and run: no data race may be reported
#   make valgrind      unit runner (CK_FORK=no) and part of the OOM loop
#                      (VALGRIND_OOM_ARGS) under valgrind memcheck
#   make coverage      --coverage -O0 build into build/cov/, runs the unit suite,
#                      OOM, nested and the corpus replay, prints line and branch
#                      coverage of ext/ (gcovr; gcov -b if gcovr is missing)
#   make coverage-doc  make coverage, then check docs/coverage.md against the
#                      run both ways (tools/check-coverage-doc.py over gcovr's
#                      JSON, build/cov/coverage.json): every uncovered branch
#                      listed, every entry uncovered, the figures the run's
#   make flood-bench   times learnpath on keys crafted to collide in the hash
#                      tables as they were unseeded (tests/trust/flood_bench.sh;
#                      FLOOD_N, default 40000; FLOOD_EXT: another build)
#   make fuzz          libFuzzer (clang) harnesses fuzz_sql and fuzz_args, each
#                      for FUZZ_SECONDS (default 60); new inputs go to
#                      build/fuzz/work-*, crashes to build/fuzz/<harness>-crash-*
#                      (-timeout=30: an input near SQLITE_LIMIT_LENGTH can take
#                      seconds under ASan, whose realloc always copies)
#
# Programs for make test are built with gcc -O2 -g and the extension compiled
# in ($(LP_CORE): -DSQLITE_CORE), linked with the system libsqlite3; they run
# from the repository root (the OOM loop reads the saved reports in sql/).
# Every build here starts from the Makefile's $(LP_CFLAGS) and $(LP_CORE); the
# sanitizer, coverage and fuzz builds drop -Werror from them.

TRUST_CFLAGS   := -O2 -g $(LP_CFLAGS) $(LP_CORE)
TRUST_LIBS      = $(shell pkg-config --libs sqlite3) -lm
SAN_FLAGS      := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                  -fno-omit-frame-pointer -g -O1
# intercept_strstr=0: ASan's strstr check measures the whole haystack on every
# call, which makes a test that counts substrings of a 50 MB SVG quadratic.
SAN_ENV        := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:intercept_strstr=0 \
                  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
VALGRIND       := valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
                  --error-exitcode=9
FUZZ_SECONDS   ?= 60
FUZZ_CC        ?= clang
# FUZZ_EXTRA_FLAGS, e.g. -fno-sanitize=nonnull-attribute to fuzz past a known finding
FUZZ_EXTRA_FLAGS ?=
FUZZ_FLAGS     := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
                  $(filter-out -Werror,$(LP_CFLAGS)) $(LP_CORE) $(FUZZ_EXTRA_FLAGS)
FUZZ_CORPUS    := tests/fuzz/corpus
FUZZ_HARNESSES := fuzz_sql fuzz_args
FUZZ_COMMON    := tests/fuzz/fuzz_common.h
OOM_ARGS       ?=
# Under valgrind the loop is ~30 times slower: by default only these scenarios
# (VALGRIND_OOM_ARGS= runs them all, about 20 minutes).
VALGRIND_OOM_ARGS ?= -k =register,=first_program,=program_transitions,=sankey_svg

TRUST_OOM      := build/oom/oom
TRUST_NESTED   := build/trust/nested
TRUST_REPLAY   := build/fuzz/replay_sql build/fuzz/replay_args

.PHONY: test-oom test-nested fuzz-replay asan tsan valgrind coverage coverage-doc fuzz fuzz-build \
        flood-bench
TEST_TARGETS += test-oom test-nested fuzz-replay

# ------------------------------------------------------------ make test

$(TRUST_OOM): tests/oom/oom.c $(HARNESS) $(HARNESS_H) $(SRCS) $(HDRS) | deps
	@mkdir -p $(@D)
	$(CC) $(TRUST_CFLAGS) -o $@ tests/oom/oom.c $(HARNESS) $(SRCS) $(TRUST_LIBS)

$(TRUST_NESTED): tests/trust/nested.c $(HARNESS) $(HARNESS_H) $(SRCS) $(HDRS) | deps
	@mkdir -p $(@D)
	$(CC) $(TRUST_CFLAGS) -o $@ tests/trust/nested.c $(HARNESS) $(SRCS) $(TRUST_LIBS)

build/fuzz/replay_%: tests/fuzz/replay.c tests/fuzz/fuzz_%.c $(FUZZ_COMMON) $(HARNESS) $(HARNESS_H) \
                     $(SRCS) $(HDRS) | deps
	@mkdir -p $(@D)
	$(CC) $(TRUST_CFLAGS) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_$*.c $(HARNESS) $(SRCS) \
	    $(TRUST_LIBS)

test-oom: $(TRUST_OOM)
	$(TRUST_OOM) $(OOM_ARGS)

test-nested: $(TRUST_NESTED)
	$(TRUST_NESTED)

fuzz-replay: $(TRUST_REPLAY)
	build/fuzz/replay_sql $(FUZZ_CORPUS)/fuzz_sql
	build/fuzz/replay_args $(FUZZ_CORPUS)/fuzz_args

# The generator of hash-flooding inputs (tests/unit/lpt_flood.h), as a program.
build/trust/flood: tests/trust/flood.c tests/unit/lpt_flood.c tests/unit/lpt_flood.h | deps
	@mkdir -p $(@D)
	$(CC) $(TRUST_CFLAGS) -o $@ tests/trust/flood.c tests/unit/lpt_flood.c $(TRUST_LIBS)

flood-bench: $(EXT) build/trust/flood
	@sh tests/trust/flood_bench.sh

# --------------------------------------------------- sanitizers, valgrind

ASAN_CFLAGS := $(SAN_FLAGS) $(filter-out -Werror,$(LP_CFLAGS)) $(LP_CORE)

build/asan/check_learnpath: $(SRCS) $(HDRS) $(UNIT_SRCS) tests/unit/*.h | deps
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) $(TEST_CFLAGS) -o $@ $(SRCS) $(UNIT_SRCS) $(TEST_LIBS)

build/asan/oom: tests/oom/oom.c $(HARNESS) $(HARNESS_H) $(SRCS) $(HDRS) | deps
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) -o $@ tests/oom/oom.c $(HARNESS) $(SRCS) $(TRUST_LIBS)

build/asan/nested: tests/trust/nested.c $(HARNESS) $(HARNESS_H) $(SRCS) $(HDRS) | deps
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) -o $@ tests/trust/nested.c $(HARNESS) $(SRCS) $(TRUST_LIBS)

build/asan/replay_%: tests/fuzz/replay.c tests/fuzz/fuzz_%.c $(FUZZ_COMMON) $(HARNESS) $(HARNESS_H) \
                     $(SRCS) $(HDRS) | deps
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_$*.c $(HARNESS) $(SRCS) \
	    $(TRUST_LIBS)

# Runs every program even when one fails, then fails if any did. Check's
# per-test timeouts are stretched (sanitized code is several times slower).
asan: build/asan/check_learnpath build/asan/oom build/asan/nested build/asan/replay_sql \
      build/asan/replay_args
	@status=0; \
	for cmd in "build/asan/check_learnpath" "build/asan/oom $(OOM_ARGS)" "build/asan/nested" \
	           "build/asan/replay_sql $(FUZZ_CORPUS)/fuzz_sql" \
	           "build/asan/replay_args $(FUZZ_CORPUS)/fuzz_args"; do \
	    echo "== $$cmd"; \
	    env $(SAN_ENV) CK_TIMEOUT_MULTIPLIER=10 $$cmd || { status=1; echo "== FAILED: $$cmd"; }; \
	done; \
	exit $$status

TSAN_CFLAGS := -fsanitize=thread -fno-omit-frame-pointer -g -O1 \
               $(filter-out -Werror,$(LP_CFLAGS)) $(LP_CORE)
TSAN_ENV    := TSAN_OPTIONS=halt_on_error=1:exitcode=66

build/tsan/check_learnpath: $(SRCS) $(HDRS) $(UNIT_SRCS) tests/unit/*.h | deps
	@mkdir -p $(@D)
	$(CC) $(TSAN_CFLAGS) $(TEST_CFLAGS) -o $@ $(SRCS) $(UNIT_SRCS) $(TEST_LIBS)

build/tsan/oom: tests/oom/oom.c $(HARNESS) $(HARNESS_H) $(SRCS) $(HDRS) | deps
	@mkdir -p $(@D)
	$(CC) $(TSAN_CFLAGS) -o $@ tests/oom/oom.c $(HARNESS) $(SRCS) $(TRUST_LIBS)

tsan: build/tsan/check_learnpath build/tsan/oom
	env $(TSAN_ENV) CK_RUN_SUITE=threads CK_TIMEOUT_MULTIPLIER=10 build/tsan/check_learnpath
	env $(TSAN_ENV) build/tsan/oom -k helper

valgrind: $(RUNNER) $(TRUST_OOM)
	@tools/ensure-deps.sh valgrind
	CK_FORK=no $(VALGRIND) $(RUNNER)
	$(VALGRIND) $(TRUST_OOM) $(VALGRIND_OOM_ARGS)

# ------------------------------------------------------------- coverage

COV_CFLAGS := --coverage -O0 -g $(filter-out -Werror,$(LP_CFLAGS)) $(LP_CORE)
COV_OBJS   := $(patsubst ext/%.c,build/cov/ext/%.o,$(SRCS))

build/cov/ext/%.o: ext/%.c $(HDRS) | deps
	@mkdir -p $(@D)
	$(CC) $(COV_CFLAGS) -c -o $@ $<

build/cov/check_learnpath: $(COV_OBJS) $(UNIT_SRCS) tests/unit/*.h
	$(CC) $(COV_CFLAGS) $(TEST_CFLAGS) -o $@ $(COV_OBJS) $(UNIT_SRCS) $(TEST_LIBS)

build/cov/oom: $(COV_OBJS) tests/oom/oom.c $(HARNESS) $(HARNESS_H)
	$(CC) $(COV_CFLAGS) -o $@ tests/oom/oom.c $(HARNESS) $(COV_OBJS) $(TRUST_LIBS)

build/cov/nested: $(COV_OBJS) tests/trust/nested.c $(HARNESS) $(HARNESS_H)
	$(CC) $(COV_CFLAGS) -o $@ tests/trust/nested.c $(HARNESS) $(COV_OBJS) $(TRUST_LIBS)

build/cov/replay_%: $(COV_OBJS) tests/fuzz/replay.c tests/fuzz/fuzz_%.c $(FUZZ_COMMON) $(HARNESS) \
                    $(HARNESS_H)
	$(CC) $(COV_CFLAGS) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_$*.c $(HARNESS) $(COV_OBJS) \
	    $(TRUST_LIBS)

# Runs everything even when a program fails (coverage is still reported),
# then fails if one did.
coverage: build/cov/check_learnpath build/cov/oom build/cov/nested build/cov/replay_sql \
          build/cov/replay_args
	@tools/ensure-deps.sh gcovr || echo "coverage: gcovr could not be installed; using gcov"
	@find build/cov -name '*.gcda' -delete
	@status=0; \
	build/cov/check_learnpath > build/cov/unit.log 2>&1 || status=1; tail -3 build/cov/unit.log; \
	build/cov/oom $(OOM_ARGS) > build/cov/oom.log 2>&1 || status=1; tail -1 build/cov/oom.log; \
	build/cov/nested > build/cov/nested.log 2>&1 || status=1; tail -1 build/cov/nested.log; \
	for h in $(FUZZ_HARNESSES); do \
	    r=build/cov/replay_$${h#fuzz_}; \
	    $$r $(FUZZ_CORPUS)/$$h > build/cov/$$h.log 2>&1 || status=1; tail -1 build/cov/$$h.log; \
	done; \
	if command -v gcovr >/dev/null 2>&1; then \
	    echo "== line coverage of ext/ (unit + oom + nested + fuzz corpus) =="; \
	    gcovr --root . --filter 'ext/' --object-directory build/cov build/cov/ext; \
	    echo "== branch coverage of ext/ =="; \
	    gcovr --root . --filter 'ext/' --branches --object-directory build/cov build/cov/ext; \
	else \
	    for f in $(SRCS); do \
	        echo "== $$f"; gcov -b -n -o build/cov/ext $$f | grep -E 'Lines|Branches' | head -2; \
	    done; \
	fi; \
	exit $$status

# Entries are found in the source by their code text, so line numbers may
# move; COVERAGE_DOC_ARGS=--fix writes the lines found and the run's figures
# into the page. gcovr is required here (the page is checked against it).
COVERAGE_DOC_ARGS ?=
COVERAGE_DOC_PYTHON ?= python3
coverage-doc: coverage
	@command -v gcovr >/dev/null 2>&1 || { echo "coverage-doc: gcovr is needed"; exit 1; }
	gcovr --root . --filter 'ext/' --json -o build/cov/coverage.json --object-directory build/cov \
	    build/cov/ext
	$(COVERAGE_DOC_PYTHON) tools/check-coverage-doc.py build/cov/coverage.json docs/coverage.md \
	    $(COVERAGE_DOC_ARGS)

# -------------------------------------------------------------- fuzzing

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_COMMON) $(SRCS) $(HDRS)
	@tools/ensure-deps.sh clang libclang-rt-dev
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_$*.c $(SRCS) $(TRUST_LIBS)

fuzz-build: $(addprefix build/fuzz/,$(FUZZ_HARNESSES))

# New inputs go to build/fuzz/work-<harness> (the seeds are read only);
# keep a crash as tests/fuzz/corpus/<harness>/crash-<what-it-shows>.
# A harness stops at its first crash; the next one still runs.
fuzz: fuzz-build
	@status=0; \
	for h in $(FUZZ_HARNESSES); do \
	    mkdir -p build/fuzz/work-$$h; \
	    echo "== $$h for $(FUZZ_SECONDS) s"; \
	    build/fuzz/$$h -max_total_time=$(FUZZ_SECONDS) -timeout=30 -max_len=4096 \
	        -print_final_stats=1 -artifact_prefix=build/fuzz/$$h- \
	        $$( [ $$h = fuzz_sql ] && echo -dict=tests/fuzz/sql.dict ) \
	        build/fuzz/work-$$h $(FUZZ_CORPUS)/$$h || { status=1; echo "== $$h found a crash"; }; \
	done; \
	exit $$status
