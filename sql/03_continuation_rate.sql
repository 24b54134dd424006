-- 03_continuation_rate.sql - Do users continue beyond their first program?
--
-- Question: by {segment} and first program, how many users went on to a
--   second program, what % is that, and how long did they take (median
--   days from the first program's start to the next one's)?
-- Expects: table enrollments(user_id, program, enrolled_at, ...), one row
--   per enrollment; the segment column is the report setting segment_col
--   (README rule 16; default user_type, '' for none), and {segment} in
--   these comments stands for its name (setting segment_label).
-- Run (from the repository root, after `make`):
--   sqlite3 DB < sql/03_continuation_rate.sql
-- How to read it:
--   users = users of that {segment} who started with first_program; continued =
--   those with a second program; pct_continued = continued / users (so
--   100 - pct_continued never continued). median_days_to_next is over the
--   users who continued (empty when none did). '(all first programs)' rows
--   total each {segment}; the '(all users)' row totals everyone.
--   '(several at once)' = users whose first step was two or more programs
--   at the same instant (learnpath rule 4); when it folds more than one
--   such combination its median is left empty (medians do not add up). Consecutive repeats of one
--   program are not a continuation (rule 5, 'collapse').
.load dist/learnpath
.headers on
.mode box

-- first_program_stats() aggregates in C: one row per {segment} and first
-- program, and a total row per {segment} (program NULL); without a
-- segment column it gives the grand total. Tie groups ('A + B') fold into
-- '(several at once)'.
WITH stats AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           CASE WHEN program IS NULL THEN '(all first programs)'
                WHEN tied THEN '(several at once)'
                ELSE program END AS first_program,
           program IS NULL AS is_total,
           users, continued, median_days_to_next
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
    UNION ALL
    SELECT '(all users)', '(all first programs)', 1,
           users, continued, median_days_to_next
    FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at')
    WHERE program IS NULL
),
folded AS (
    SELECT segment, first_program, max(is_total) AS is_total,
           sum(users) AS users, sum(continued) AS continued,
           -- a median is known for one group; several folded tie groups have none
           CASE WHEN count(*) = 1 THEN max(median_days_to_next) END AS median_days_to_next
    FROM stats
    GROUP BY segment, first_program
)
SELECT segment,
       first_program,
       users,
       continued,
       round(100.0 * continued / users, 1) AS pct_continued,
       round(median_days_to_next, 1) AS median_days_to_next
FROM folded
ORDER BY segment = '(all users)', segment, is_total, users DESC, first_program;
