-- 02_initial_next_program.sql - charts for sql/02: initial -> next program.
--
-- Draws: one Sankey diagram per {segment} (largest first): initial
--   program on the left, next program on the right, band width = users;
--   users with no second program flow to "did not continue". As in sql/02,
--   same-instant steps (learnpath rule 4) are folded into
--   '(several at once)'.
-- Run (from the repository root, after `make`); prints one SVG document
--   per {segment}, one after the other:
--   sqlite3 DB < sql/charts/02_initial_next_program.sql
-- `make report` embeds them in the HTML report under sql/02's section.
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
step1 AS (
    SELECT coalesce(segment, '(no ' || learnpath_report_setting('segment_label') || ')') AS segment,
           CASE WHEN from_tied THEN '(several at once)' ELSE from_program END AS initial_program,
           CASE WHEN to_program IS NULL THEN NULL
                WHEN to_tied THEN '(several at once)' ELSE to_program END AS next_program,
           users
    FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at',
                             learnpath_report_setting('segment_col'))
    WHERE step = 1
)
SELECT sankey_svg(initial_program, next_program, users,
                  'Initial → next program: ' || segment, (SELECT names FROM palette))
FROM step1
GROUP BY segment
ORDER BY sum(users) DESC, segment;
