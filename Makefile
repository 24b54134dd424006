# learnpath - learner-journey analysis for SQLite.
# `make` builds dist/learnpath.<so|dylib|dll>; `make test` runs every test;
# `make demo` runs the saved reports on generated demo data.

# The version is written once, in ext/learnpath.h (LEARNPATH_VERSION).
VERSION := $(shell sed -n 's/^\#define LEARNPATH_VERSION "\(.*\)"/\1/p' ext/learnpath.h)
CC      ?= cc
SQLITE3 ?= sqlite3

UNAME_S := $(shell uname -s 2>/dev/null || echo unknown)
ifeq ($(OS),Windows_NT)
  SOEXT := dll
  SOFLAGS := -shared
else ifeq ($(UNAME_S),Darwin)
  SOEXT := dylib
  SOFLAGS := -dynamiclib -undefined dynamic_lookup
else
  SOEXT := so
  SOFLAGS := -shared -Wl,-z,now -Wl,-z,relro -Wl,-z,defs
endif

EXT      := dist/learnpath.$(SOEXT)
SRCS     := $(sort $(wildcard ext/*.c))
HDRS     := $(wildcard ext/*.h)
# Compile flags, written once. WARN: the warnings. LP_CFLAGS: what every compile
# rule starts from (dist/, the unit runner, and every program of mk/trust.mk and
# mk/install.mk: OOM, nested, replay, embed, clang, sanitizers, coverage, fuzz);
# each rule adds only its own (-O level, -g, -fPIC, sanitizers, --coverage). The
# sanitizer, coverage and fuzz builds take $(filter-out -Werror,$(LP_CFLAGS)).
# LP_CORE: the extension compiled into a program rather than loaded.
WARN     := -Wall -Wextra -Werror -Wsign-compare -Wshadow
LP_CFLAGS := $(WARN) -std=c99 -pthread
LP_CORE  := -DSQLITE_CORE -Iext
CFLAGS   ?= -O2
EXTFLAGS := $(CFLAGS) $(LP_CFLAGS) -fPIC -fvisibility=hidden

PKGS        := sqlite3 check
TEST_CFLAGS  = $(shell pkg-config --cflags $(PKGS))
TEST_LIBS    = $(shell pkg-config --libs $(PKGS)) -lm
UNIT_SRCS   := $(sort $(wildcard tests/unit/*.c))
RUNNER      := build/check_learnpath

# The scaffolding of the standalone test programs (oom, nested, replay, embed):
# reporting, counting, -v/-k and the last line; compiled into each of them.
HARNESS     := tests/harness/lp_harness.c
HARNESS_H   := tests/harness/lp_harness.h

DEMO_DB  := demo/learnpath-demo.db
DEMO_CSV := demo/enrollments.csv
REPORTS  := $(sort $(wildcard sql/*.sql))

# Parts of the build live in mk/*.mk (one file per area); each may add
# its own test targets to TEST_TARGETS, which `make test` runs in order.
TEST_TARGETS := test-unit test-sql

.PHONY: all deps test test-unit test-sql demo clean

all: $(EXT)

-include $(sort $(wildcard mk/*.mk))

deps:
	@tools/ensure-deps.sh

$(EXT): $(SRCS) $(HDRS) | deps
	@mkdir -p dist
	$(CC) $(EXTFLAGS) $(SOFLAGS) -o $@ $(SRCS) -lm

# The unit-test runner compiles the extension in (-DSQLITE_CORE) and links
# the system libsqlite3 and Check. One object per source (build/unit-obj/),
# with the headers each includes as its prerequisites (-MMD), so a change
# recompiles only what it touches.
RUNNER_OBJS := $(patsubst %.c,build/unit-obj/%.o,$(SRCS) $(UNIT_SRCS))

build/unit-obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -g $(LP_CFLAGS) $(LP_CORE) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

-include $(RUNNER_OBJS:.o=.d)

$(RUNNER): $(RUNNER_OBJS)
	$(CC) $(CFLAGS) -g $(LP_CFLAGS) -o $@ $(RUNNER_OBJS) $(TEST_LIBS)

test: $(TEST_TARGETS)

# The runner's objects and the extension built as two jobs at once (one per
# core; test-sql then finds the extension made), then both halves of the
# suites at once (tests/unit/run-halves.sh); $(RUNNER) with no argument
# runs every suite in one process.
test-unit:
	@$(MAKE) --no-print-directory -j2 $(RUNNER) $(EXT)
	@sh tests/unit/run-halves.sh $(RUNNER)

test-sql: $(EXT)
	@sh tests/sql/run.sh

demo: $(EXT)
	@sh tools/demo.sh

clean:
	rm -rf dist build demo/*.db demo/*.csv
