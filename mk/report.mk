# mk/report.mk - the HTML report; tools/report.sh
# says what the page holds.
#   make report                        demo/report.html from the demo database
#                                      (built first with tools/demo.sh if missing)
#   make report DB=my.db OUT=my.html   any database with a table enrollments
#   make report REPORT_DATE=2024-06-30 a fixed "generated" date: byte-identical output
#   make report-screenshot             docs/img/report.png: the top 1200x1800 of the
#                                      demo report, drawn by headless Chromium
#   make test-report                   tests/report/test_report.sh (part of make
#                                      test); as root it first installs chromium and
#                                      imagemagick with tools/ensure-deps.sh, otherwise
#                                      their checks are skipped when they are missing
# DB and OUT are read only here, so that they mean nothing to other targets.

REPORT_OUT_DEFAULT := demo/report.html
REPORT_PNG := docs/img/report.png

.PHONY: report report-screenshot test-report
TEST_TARGETS += test-report

report: $(EXT)
	@db='$(or $(DB),$(DEMO_DB))'; \
	if [ "$$db" = '$(DEMO_DB)' ] && [ ! -f "$$db" ]; then \
	    echo "report: $$db is missing; building it with tools/demo.sh"; \
	    SQLITE3='$(SQLITE3)' sh tools/demo.sh > /dev/null || exit 1; \
	fi; \
	REPORT_DATE='$(REPORT_DATE)' SQLITE3='$(SQLITE3)' \
	    sh tools/report.sh "$$db" '$(or $(OUT),$(REPORT_OUT_DEFAULT))'

report-screenshot: report
	@sh tools/ensure-deps.sh chromium || true
	@mkdir -p $(dir $(REPORT_PNG))
	sh tools/report/screenshot.sh '$(or $(OUT),$(REPORT_OUT_DEFAULT))' $(REPORT_PNG) 1200,1800

test-report: $(EXT)
	@sh tools/ensure-deps.sh chromium imagemagick || \
	    echo "test-report: going on without them; the checks that need them are skipped"
	@SQLITE3='$(SQLITE3)' sh tests/report/test_report.sh
