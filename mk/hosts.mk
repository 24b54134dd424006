# mk/hosts.mk - learnpath in the programs analysts use; tests/hosts/run.sh
# says what each host test does.
#   make test-hosts            sqlite3 shell, Debian's /usr/bin/python3 (and the message
#                              for a Python without enable_load_extension), sqlite-utils,
#                              DB Browser for SQLite headless; as root it first installs
#                              the hosts with tools/ensure-deps.sh; a host that is still
#                              missing is reported as SKIP, never as passed  [make test]
#   make screenshot-dbbrowser  docs/img/dbbrowser.png: DB Browser for SQLite under Xvfb,
#                              learnpath auto-loaded, showing a report saved as a view
#                              on the demo data (tests/hosts/screenshot.sh; not a test)
HOST_DEPS := sqlitebrowser xvfb xauth sqlite-utils imagemagick

.PHONY: test-hosts screenshot-dbbrowser
TEST_TARGETS += test-hosts

test-hosts: $(EXT)
	@tools/ensure-deps.sh $(HOST_DEPS) || \
	    echo "test-hosts: some hosts could not be installed; their tests will say SKIP"
	@LP_VERSION='$(VERSION)' SQLITE3='$(SQLITE3)' sh tests/hosts/run.sh

screenshot-dbbrowser: $(EXT)
	@tools/ensure-deps.sh sqlitebrowser xvfb xauth imagemagick xdotool
	@SQLITE3='$(SQLITE3)' sh tests/hosts/screenshot.sh docs/img/dbbrowser.png
