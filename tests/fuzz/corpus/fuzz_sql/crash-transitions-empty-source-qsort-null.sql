-- Regression (found by fuzz_sql under UBSan): program_transitions over a
-- source with no usable row passed a NULL array to qsort() (undefined
-- behaviour even with 0 elements). Only a sanitized build (make asan,
-- make fuzz) sees it.
CREATE TABLE t(user_id, program, enrolled_at);
SELECT * FROM program_transitions('t');
SELECT * FROM first_program_stats('t');
INSERT INTO t VALUES (NULL, 'a', '2021-01-01');
SELECT * FROM program_transitions('t');
