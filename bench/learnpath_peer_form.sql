-- learnpath_peer_form.sql - the peer's report (bench/peer_window.sql) asked of
-- learnpath, in the form where both mean the same thing:
--   ties = 'name'   (same-instant enrollments are separate steps, by name)
--   repeats = 'keep' (a repeated program is a step of its own)
-- so step k = the k-th enrollment in (time, program name) order. Each answer
-- calls the learnpath function itself, as the saved reports do. Its output
-- must be byte-identical to the peer's; bench/run.sh diffs the two.
-- Run from the repository root:  sqlite3 DB < bench/learnpath_peer_form.sql
.load dist/learnpath
.headers off
.mode list

-- (a) first program by user type: share of the type's users
SELECT 'a', segment, program, count(*) AS users,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY segment), 4) AS pct_of_type
FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
WHERE ties = 'name' AND repeats = 'keep'
GROUP BY segment, program
ORDER BY segment, program;

-- (b) first -> next program by user type, with '(did not continue)'
SELECT 'b', segment, from_program, next_program, users,
       round(100.0 * users / sum(users) OVER (PARTITION BY segment, from_program), 4)
           AS pct_of_starters
FROM (SELECT segment, from_program,
             coalesce(to_program, '(did not continue)') AS next_program,
             users
      FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
      WHERE ties = 'name' AND repeats = 'keep' AND step = 1)
ORDER BY segment, from_program, next_program;

-- (c) continuation rate (and median time to the next program) by first
-- program and user type
WITH firsts AS (
    SELECT segment, program, next_program, days_to_next
    FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
    WHERE ties = 'name' AND repeats = 'keep'
),
totals AS (
    SELECT segment, program, count(*) AS users, count(next_program) AS continued
    FROM firsts
    GROUP BY segment, program
),
ranked AS (
    SELECT segment, program, days_to_next,
           row_number() OVER (PARTITION BY segment, program ORDER BY days_to_next) AS k,
           count(*) OVER (PARTITION BY segment, program) AS n
    FROM firsts
    WHERE days_to_next IS NOT NULL
),
medians AS (
    SELECT segment, program, avg(days_to_next) AS median_days
    FROM ranked
    WHERE k IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY segment, program
)
SELECT 'c', t.segment, t.program, t.users, t.continued,
       round(100.0 * t.continued / t.users, 4) AS pct_continued,
       round(m.median_days * 86400, 1) AS median_secs_to_next
FROM totals AS t
LEFT JOIN medians AS m USING (segment, program)
ORDER BY t.segment, t.program;
