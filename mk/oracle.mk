# mk/oracle.mk - the continuation functions (rules 17-21) against R's
# survival package; tests/oracle/run.sh says what it compares.
#   make test-oracle   as root it installs r-base-core and r-cran-survival with
#                      apt-get when missing; where they cannot be installed the
#                      test says SKIP, never passed  [make test]
.PHONY: test-oracle
TEST_TARGETS += test-oracle

test-oracle: $(EXT)
	@SQLITE3='$(SQLITE3)' sh tests/oracle/run.sh
