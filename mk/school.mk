# mk/school.mk - the second demo data set, shaped unlike the client's: a
# school's course modules (issue 13, item 6; docs/school-demo.md).
#
#   make school       demo/school.db from tests/fixtures/school.sql (plain SQL,
#                     the sqlite3 shell only), then its shape figures
#                     (tests/fixtures/school_check.sql, plain SQL too)
#   make school-check [make test] every figure school_check.sql prints, computed again in
#                     Python from the rows and compared; with dist/learnpath.so,
#                     also learnpath's first_program() per start year
#                     (tests/fixtures/school_check.py; SCHOOL_PYTHON, default
#                     /usr/bin/python3, whose sqlite3 module loads extensions)
#   then, for example:
#     make report DB=demo/school.db OUT=demo/school.html
#     for f in sql/0*.sql; do sqlite3 demo/school.db < $f; done
#
# The database is written to a temporary file and renamed into place only
# when the whole generator ran, so a failure leaves no half-made
# demo/school.db. `make clean` removes it (demo/*.db).

SCHOOL_DB := demo/school.db
SCHOOL_PYTHON ?= /usr/bin/python3

.PHONY: school school-check

school: $(SCHOOL_DB)
	@echo "school: $(SCHOOL_DB), shape:"
	@$(SQLITE3) -bail -readonly $(SCHOOL_DB) < tests/fixtures/school_check.sql

$(SCHOOL_DB): tests/fixtures/school.sql
	@mkdir -p demo
	@rm -f $@.tmp
	$(SQLITE3) -bail $@.tmp < tests/fixtures/school.sql || { rm -f $@.tmp; exit 1; }
	@mv -f $@.tmp $@

school-check: $(SCHOOL_DB)
	@if [ -x "$(SCHOOL_PYTHON)" ]; then \
	    $(SCHOOL_PYTHON) tests/fixtures/school_check.py $(SCHOOL_DB); \
	else \
	    echo "SKIP school-check: no $(SCHOOL_PYTHON) (Debian package python3)"; \
	fi
TEST_TARGETS += school-check
