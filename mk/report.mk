# mk/report.mk - the HTML report; tools/report.sh
# says what the page holds.
#   make report                        demo/report.html from the demo database
#                                      (built first with tools/demo.sh if missing)
#   make report DB=my.db OUT=my.html   any database with a table enrollments
#   make report REPORT_DATE=2024-06-30 a fixed "generated" date: byte-identical output
#   make report FLAGSHIP='Data Science' GROUP_COL=account
#                                      the report settings (README rule 16):
#                                      FLAGSHIP, SEGMENT_COL, SEGMENT_LABEL,
#                                      GROUP_COL, GROUP_LABEL, MIN_BASE
#   make report-screenshot             docs/img/report.png: the top 1200x1800 of the
#                                      demo report, drawn by headless Chromium
#   make test-report                   tests/report/test_report.sh (part of make
#                                      test); as root it first installs chromium and
#                                      imagemagick with tools/ensure-deps.sh, otherwise
#                                      their checks are skipped when they are missing
# DB and OUT are read only here, so that they mean nothing to other targets.
#
# DB, OUT, REPORT_DATE and SQLITE3 reach the recipes only through the
# environment, exported under LP_REPORT_ names for these targets only,
# never in the recipe text: make pastes $(VAR) into the recipe before the
# shell reads it, so a quote or ; in a path would run as shell code. DB,
# OUT and REPORT_DATE are taken literally with $(value ...): a $ in a path
# stays a $, and make never expands them (OUT='$(shell ...)' is a file
# name). They are unexported as themselves, because make expands a
# command-line variable when it puts it in a recipe's environment.

REPORT_OUT_DEFAULT := demo/report.html
REPORT_PNG := docs/img/report.png

REPORT_SETTINGS := FLAGSHIP SEGMENT_COL SEGMENT_LABEL GROUP_COL GROUP_LABEL MIN_BASE
unexport DB OUT REPORT_DATE $(REPORT_SETTINGS)
$(foreach v,$(REPORT_SETTINGS),$(eval report report-screenshot: export LP_REPORT_SET_$(v) := $$(value $(v))))
report report-screenshot: export LP_REPORT_DB := $(value DB)
report report-screenshot: export LP_REPORT_OUT := $(value OUT)
report report-screenshot: export LP_REPORT_DATE := $(value REPORT_DATE)
report report-screenshot test-report: export LP_REPORT_SQLITE3 := $(SQLITE3)
report report-screenshot: export LP_REPORT_DEMO_DB := $(DEMO_DB)
report report-screenshot: export LP_REPORT_OUT_DEFAULT := $(REPORT_OUT_DEFAULT)

.PHONY: report report-screenshot test-report
TEST_TARGETS += test-report

report: $(EXT)
	@db=$${LP_REPORT_DB:-$$LP_REPORT_DEMO_DB}; \
	if [ "$$db" = "$$LP_REPORT_DEMO_DB" ] && [ ! -f "$$db" ]; then \
	    echo "report: $$db is missing; building it with tools/demo.sh"; \
	    SQLITE3=$$LP_REPORT_SQLITE3 sh tools/demo.sh > /dev/null || exit 1; \
	fi; \
	if [ "$$db" = "$$LP_REPORT_DEMO_DB" ]; then \
	    : "the demo's settings, as tools/demo.sh sets them, unless given"; \
	    LP_REPORT_SET_FLAGSHIP=$${LP_REPORT_SET_FLAGSHIP:-Flagship}; \
	    LP_REPORT_SET_GROUP_COL=$${LP_REPORT_SET_GROUP_COL:-account}; \
	fi; \
	REPORT_DATE=$$LP_REPORT_DATE SQLITE3=$$LP_REPORT_SQLITE3 \
	REPORT_FLAGSHIP=$$LP_REPORT_SET_FLAGSHIP REPORT_SEGMENT_COL=$$LP_REPORT_SET_SEGMENT_COL \
	REPORT_SEGMENT_LABEL=$$LP_REPORT_SET_SEGMENT_LABEL REPORT_GROUP_COL=$$LP_REPORT_SET_GROUP_COL \
	REPORT_GROUP_LABEL=$$LP_REPORT_SET_GROUP_LABEL REPORT_MIN_BASE=$$LP_REPORT_SET_MIN_BASE \
	    sh tools/report.sh "$$db" "$${LP_REPORT_OUT:-$$LP_REPORT_OUT_DEFAULT}"

report-screenshot: report
	@sh tools/ensure-deps.sh chromium || true
	@mkdir -p $(dir $(REPORT_PNG))
	sh tools/report/screenshot.sh "$${LP_REPORT_OUT:-$$LP_REPORT_OUT_DEFAULT}" $(REPORT_PNG) 1200,1800

test-report: $(EXT)
	@sh tools/ensure-deps.sh chromium imagemagick || \
	    echo "test-report: going on without them; the checks that need them are skipped"
	@SQLITE3=$$LP_REPORT_SQLITE3 sh tests/report/test_report.sh
