# mk/floor.mk - the SQLite floor: learnpath in real SQLite builds
# below and at 3.31, the oldest release it loads into; tests/floor/run.sh
# says what it checks.
#   make test-floor   downloads SQLite 3.30.1 and 3.31.1 (the amalgamations
#                     inside npm packages sqlite3 4.1.1 and 4.2.0, sha256-checked,
#                     cached in build/floor/cache), builds them with -O0 and
#                     loads dist/learnpath.so into each: 3.30.1 must refuse it
#                     with the exact message, 3.31.1 must run it  [make test]
# Offline, each version it cannot download is a SKIP, and a SKIP fails the
# target unless LEARNPATH_FLOOR_OPTIONAL=1. As root it first installs curl
# with tools/ensure-deps.sh when curl is missing.

.PHONY: test-floor
TEST_TARGETS += test-floor

test-floor: $(EXT)
	@command -v curl >/dev/null 2>&1 || tools/ensure-deps.sh curl ca-certificates || \
	    echo "test-floor: curl could not be installed; the downloads will be skipped"
	@CC='$(CC)' SQLITE3='$(SQLITE3)' LP_VERSION='$(VERSION)' sh tests/floor/run.sh
