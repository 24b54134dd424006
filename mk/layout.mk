# mk/layout.mk - the layout of ext/ (docs/ARCHITECTURE.md): layers point one
# way, no file over 900 lines, no function over 150 (over 80 only with a
# "Long:" reason). tools/check-layout.sh checks it; tests/layout/run.sh
# runs it on ext/ and on copies with a breach of each kind.
#
#   make check-layout   the check alone                                   [make test]

.PHONY: check-layout
TEST_TARGETS += check-layout

check-layout:
	@sh tests/layout/run.sh
