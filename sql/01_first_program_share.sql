-- 01_first_program_share.sql - Which program do users start with?
--
-- Question: for each {segment}, which program do users start with: counts
--   and % of the {segment}; and, when a flagship program is set, how many
--   start with the flagship and how many with another program?
-- Expects: table enrollments(user_id, program, enrolled_at, ...), one row
--   per enrollment. The report settings (README rule 16) say which column
--   holds the segment (segment_col, default user_type; '' for none) and
--   which program(s) are the flagship (none unless set), for example:
--     SELECT learnpath_report_setting('flagship', 'Data Science');
--   In these comments {segment} stands for the segment's name (setting
--   segment_label, by default the column's name as words: "user type").
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/01_first_program_share.sql
-- How to read it:
--   Table 1, only when a flagship is set: one row per {segment} and kind of
--   start (the flagship, another program, or several programs at once).
--   pct_of_segment is the share of that {segment}'s users; each {segment}'s
--   rows add up to 100. With no flagship set it holds one line saying how
--   to set one; a flagship name that no enrollment has is named in a line
--   too (and with none found, the split is left out). "Several at once" = the user's first enrollments were in
--   two or more programs at the very same instant (learnpath rule 4).
--   Table 2: the same users by the program they started with, each program
--   under its own name.
--   Last, one line: do the {segment} groups differ in where they start?
--   The chi-square test says whether the difference could be chance (its
--   p-value: small means it could hardly be) and Cramer's V, from 0 to 1,
--   how large it is; with thousands of users a tiny difference gets a tiny
--   p-value, so the line says when a clear difference is small. A p-value
--   says nothing of why the groups differ, nor of how much it matters.
--   A user's {segment} is the first non-empty value in time order (rule 6);
--   users with none are shown as '(no {segment})'. Rows with an empty user,
--   program or time are left out (learnpath rule 1).
.load dist/learnpath
.headers on
.mode box

.print 'First program: the flagship or another program'
-- first_program_stats() counts users per segment and first program in C
-- (program NULL is its per-segment total row, not needed here).
-- learnpath_is_flagship() is 1 for the flagship setting's programs, NULL
-- when none is set.
WITH stats AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           program, tied, users
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
    WHERE program IS NOT NULL
),
kinds AS (
    SELECT segment,
           CASE WHEN tied THEN 3 WHEN learnpath_is_flagship(program) THEN 1 ELSE 2 END AS kind_order,
           CASE WHEN tied THEN 'several at once'
                WHEN learnpath_is_flagship(program) THEN 'the flagship'
                ELSE 'another program' END AS starts_with,
           users
    FROM stats
    WHERE EXISTS (SELECT 1 FROM stats WHERE learnpath_is_flagship(program))
)
SELECT segment,
       starts_with,
       sum(users) AS users,
       round(100.0 * sum(users) / sum(sum(users)) OVER (PARTITION BY segment), 1) AS pct_of_segment
FROM kinds
GROUP BY segment, kind_order, starts_with
ORDER BY segment, kind_order;
SELECT 'No flagship program is set, so first programs are not split into the flagship '
       || 'and the others. To set one: SELECT learnpath_report_setting('
       || '''flagship'', ''program name''); or make report FLAGSHIP=''program name''.' AS note
WHERE learnpath_report_setting('flagship') IS NULL;
-- a flagship name that no enrollment has (a typo, another spelling): said,
-- never silently counted as no flagship start
WITH RECURSIVE names(k, name) AS (
    SELECT 1, learnpath_flagship_name(1)
    UNION ALL
    SELECT k + 1, learnpath_flagship_name(k + 1) FROM names WHERE name IS NOT NULL
)
SELECT note
FROM (SELECT count(*) AS missing,
             'The flagship setting names ' || group_concat(quote(name), ', ')
             || ', which no enrollment has: check the spelling (names are compared exactly, '
             || 'case included).' AS note
      FROM names
      WHERE name IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM program_popularity('enrollments', 'user_id', 'program',
                                                          'enrolled_at')
                        WHERE program = names.name))
WHERE missing > 0;

.print ''
.print 'First program'
WITH stats AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
           users
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
    WHERE program IS NOT NULL
)
SELECT segment,
       first_program,
       sum(users) AS users,
       round(100.0 * sum(users) / sum(sum(users)) OVER (PARTITION BY segment), 1) AS pct_of_segment
FROM stats
GROUP BY segment, first_program
ORDER BY segment, users DESC, first_program;

.print ''
.print 'Do the groups differ in where they start?'
-- segment_compare() tests in C whether the mix of first programs differs
-- between the {segment} groups: Pearson's chi-square test of the groups x
-- first programs table, programs too small for the test folded into
-- '(other)' (learnpath rules 22-23; the numbers are scipy's). Cohen's w =
-- sqrt(X^2 / n) sizes the difference: under 0.1 negligible, 0.1 slight, 0.3
-- moderate, 0.5 strong; for two groups it is Cramer's V. p-values below
-- 1e-300 are shown by their power of ten (log10_p).
WITH t AS (
    SELECT note, statistic, df, p_value, log10_p, effect, n
    FROM segment_compare('enrollments', 'user_id', 'program', 'enrolled_at',
                         learnpath_report_setting('segment_col'))
    WHERE question = 'first_program' AND program IS NULL AND test = 'pearson_chi2'
      AND within_segment IS NULL
),
groups AS (
    SELECT group_concat(segment, ', ') AS names
    FROM (SELECT segment
          FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                                   learnpath_report_setting('segment_col'))
          WHERE program IS NULL AND segment IS NOT NULL
          ORDER BY segment)
),
worded AS (
    SELECT t.*, groups.names,
           learnpath_report_setting('segment_label') AS label,
           CASE WHEN p_value = 0 THEN 'p < 1e-300 (log10 p = ' || printf('%.1f', log10_p) || ')'
                WHEN p_value < 0.001 THEN 'p = ' || printf('%.1e', p_value)
                ELSE 'p = ' || printf('%.3g', p_value) END AS p_text,
           CASE WHEN statistic / n < 0.01 THEN 'negligibly'
                WHEN statistic / n < 0.09 THEN 'slightly'
                WHEN statistic / n < 0.25 THEN 'moderately'
                ELSE 'strongly' END AS strength
    FROM t, groups
)
SELECT CASE
           WHEN learnpath_report_setting('segment_col') IS NULL THEN
               'No segment column is set (setting segment_col), so there are no groups to compare.'
           WHEN note IS NOT NULL THEN 'No test of where the ' || label || ' groups start: ' || note || '.'
           WHEN p_value >= 0.05 THEN
               'No evidence that the ' || label || ' groups (' || names || ') start with different programs: '
               || 'chi-square ' || p_text || ', Cramer''s V = ' || printf('%.2f', effect)
               || ', ' || printf('%,d', n) || ' users.'
           ELSE 'The ' || label || ' groups (' || names || ') differ ' || strength
               || ' in where they start: Cramer''s V = ' || printf('%.2f', effect) || ', chi-square '
               || p_text || ', ' || printf('%,d', n) || ' users'
               || CASE WHEN statistic / n < 0.09 THEN ': statistically clear, but small.' ELSE '.' END
       END AS difference
FROM worded;
