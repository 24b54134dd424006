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
