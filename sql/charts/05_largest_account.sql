-- 05_largest_account.sql - chart for sql/05: the largest group's journeys.
--
-- Draws: a Sankey diagram of the largest group's users (report setting group_col) (chosen
--   by group_stats exactly as in sql/05; all its {segment}s together): initial
--   program -> next program or "did not continue". Same-instant steps
--   (learnpath rule 4) are folded into '(several at once)'.
-- Run (from the repository root, after `make`); prints one SVG document:
--   sqlite3 DB < sql/charts/05_largest_account.sql > account.svg
-- `make report` embeds it in the HTML report under sql/05's section.
.load dist/learnpath
.headers off
.mode list

WITH
-- The page's colours (README rule 15): one palette for every chart, so a
-- program has one colour on the whole page: programs by the users who ever
-- took one (program_popularity over all users), '(several at once)' by the
-- users whose first step it was (chart_palette sums them, heaviest
-- first); the first 12 get a colour each.
palette AS (
    SELECT chart_palette(name, users) AS names
    FROM (SELECT program AS name, users
          FROM program_popularity('enrollments', 'user_id', 'program', 'enrolled_at')
          UNION ALL
          SELECT '(several at once)', users
          FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at')
          WHERE tied)
),
largest AS (
    SELECT group_value AS account
    FROM group_stats('enrollments') WHERE group_col = learnpath_report_setting('group_col') AND rank = 1
),
step1 AS (
    SELECT CASE WHEN from_tied THEN '(several at once)' ELSE from_program END AS initial_program,
           CASE WHEN to_program IS NULL THEN NULL
                WHEN to_tied THEN '(several at once)' ELSE to_program END AS next_program,
           users
    FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at')
    WHERE EXISTS (SELECT 1 FROM largest) -- none: no chart
      AND group_col = learnpath_report_setting('group_col')
      AND group_value = (SELECT account FROM largest)
      AND step = 1
)
-- (no rows, no group: no chart, rather than an empty one)
SELECT chart
FROM (SELECT count(*) AS n,
             sankey_svg(initial_program, next_program, users,
                        (SELECT 'Largest ' || learnpath_report_setting('group_label') || ', '
                                || account || ': initial → next program'
                         FROM largest),
                        (SELECT names FROM palette)) AS chart
      FROM step1)
WHERE n > 0;
