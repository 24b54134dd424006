-- seed_report.sql - stand-in for the saved seed report, used by bench/run.sh
-- only when sql/01_*.sql, sql/02_*.sql or sql/03_*.sql is missing. The same
-- three questions, asked of learnpath with its defaults as the saved reports
-- ask them, one query each (the bench runs them in one sqlite3 process):
--   01 first program share by user type; 02 first -> next program by user
--   type; 03 continuation rate (and median days to the next program) by
--   first program and user type.
.load dist/learnpath

-- 01: first program, by user type
SELECT coalesce(segment, '(no user type)') AS user_type,
       CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
       count(*) AS users,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY coalesce(segment, '(no user type)')), 1)
           AS pct_of_type
FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
GROUP BY 1, 2
ORDER BY 1, users DESC, 2;

-- 02: first -> next program, by user type
SELECT coalesce(segment, '(no user type)') AS user_type, from_program AS initial_program,
       coalesce(to_program, '(did not continue)') AS next_program, users,
       round(100.0 * share, 1) AS pct_of_starters
FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
WHERE step = 1
ORDER BY 1, 2, users DESC, 3;

-- 03: continuation rate by first program and user type
WITH firsts AS (
    SELECT coalesce(segment, '(no user type)') AS user_type,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
           next_program, days_to_next
    FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
),
ranked AS (
    SELECT user_type, first_program, days_to_next,
           row_number() OVER (PARTITION BY user_type, first_program ORDER BY days_to_next) AS k,
           count(*) OVER (PARTITION BY user_type, first_program) AS n
    FROM firsts
    WHERE days_to_next IS NOT NULL
),
medians AS (
    SELECT user_type, first_program, avg(days_to_next) AS median_days
    FROM ranked
    WHERE k IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY 1, 2
)
SELECT t.user_type, t.first_program, t.users, t.continued,
       round(100.0 * t.continued / t.users, 1) AS pct_continued,
       round(m.median_days, 1) AS median_days_to_next
FROM (SELECT user_type, first_program, count(*) AS users, count(next_program) AS continued
      FROM firsts GROUP BY 1, 2) AS t
LEFT JOIN medians AS m USING (user_type, first_program)
ORDER BY t.user_type, t.users DESC, t.first_program;
