# mk/compare.mk - segment_compare and segment_cells (README rule 23) end to
# end: tests/oracle/compare.py builds each table again with plain SQL over
# seeded enrollment tables (sparse ones, ones Cochran's rule folds, group
# against the rest, since/until) and compares every row and cell with scipy
# (chi2_contingency, fisher_exact, binomtest's Wilson interval) and R's
# survdiff, to a relative 1e-9.
#   make test-compare   where scipy or R's survival is missing, what needs it
#                       says SKIP, never passed                       [make test]
.PHONY: test-compare
TEST_TARGETS += test-compare

COMPARE_PYTHON ?= /usr/bin/python3

test-compare: $(EXT)
	@$(COMPARE_PYTHON) tests/oracle/compare.py $(EXT)
