-- findings.sql - the "Key findings" box of `make report` (tools/report.sh).
--
-- One row per finding: figure (a number, shown large: a plain integer gets
-- thousands separators, anything else is shown as is), text (the sentence
-- that follows it) and report (NN of the sql/NN_*.sql report the finding
-- comes from; the card links to that section). Every figure is computed
-- here from the table enrollments, with the same rules as the reports:
-- same-instant first steps (learnpath rule 4) are '(several at once)', an
-- empty user type is '(no user type)', rows with an empty user, program or
-- time are left out (rule 1). tools/report.sh runs this file with the
-- sqlite3 shell in html mode, so every value arrives HTML-escaped.
.load dist/learnpath

WITH firsts AS (
    SELECT segment,
           CASE WHEN tied THEN '(several at once)' ELSE program END AS first_program,
           next_program,
           days_to_next
    FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
),
all_users AS (
    SELECT count(*) AS n FROM firsts
),
-- the enrollments learnpath uses (rule 1: no empty user, program or time)
valid AS (
    SELECT * FROM enrollments
    WHERE coalesce(user_id, '') <> ''
      AND coalesce(program, '') <> ''
      AND coalesce(enrolled_at, '') <> ''
),
-- 1. each user type's most common first program (the three largest types)
type_firsts AS (
    SELECT segment, first_program, count(*) AS users,
           sum(count(*)) OVER (PARTITION BY segment) AS type_users,
           row_number() OVER (PARTITION BY segment
                              ORDER BY count(*) DESC, first_program) AS k
    FROM firsts
    GROUP BY segment, first_program
),
top_firsts AS (
    SELECT segment, first_program, users, type_users,
           row_number() OVER (ORDER BY type_users DESC, segment) AS type_rank
    FROM type_firsts
    WHERE k = 1
),
-- 2. where the users of the most common first program went next
top_program AS (
    SELECT first_program FROM firsts
    WHERE first_program <> '(several at once)'
    GROUP BY first_program
    ORDER BY count(*) DESC, first_program
    LIMIT 1
),
next_after AS (
    SELECT CASE WHEN next_program IN (SELECT program FROM valid) THEN next_program
                ELSE 'several programs at once' END AS next_program,
           count(*) AS users,
           sum(count(*)) OVER () AS continued
    FROM firsts
    WHERE first_program = (SELECT first_program FROM top_program)
      AND next_program IS NOT NULL
    GROUP BY 1
    ORDER BY users DESC, next_program
    LIMIT 1
),
-- 3. median days from the first program to the second
ranked AS (
    SELECT days_to_next,
           row_number() OVER (ORDER BY days_to_next) AS k,
           count(*) OVER () AS n
    FROM firsts
    WHERE days_to_next IS NOT NULL
),
-- 4. the program the most users ever took (program_popularity, as sql/04)
popular AS (
    SELECT program, users
    FROM program_popularity('enrollments', 'user_id', 'program', 'enrolled_at')
    ORDER BY users DESC, program
    LIMIT 1
),
-- 5. the largest corporate account, chosen as in sql/05
account AS (
    SELECT account, count(DISTINCT user_id) AS users
    FROM valid
    WHERE coalesce(account, '') <> ''
    GROUP BY account
    ORDER BY users DESC, account
    LIMIT 1
),
-- 6. the month with the most first starts (first_program_monthly, as sql/06)
busiest AS (
    SELECT month, sum(users) AS starts
    FROM first_program_monthly('enrollments', 'user_id', 'program', 'enrolled_at')
    GROUP BY month
    ORDER BY starts DESC, month
    LIMIT 1
),
findings(ord, figure, text, report) AS (
    SELECT 10 + type_rank,
           printf('%.1f%%', 100.0 * users / type_users),
           'of ' || CASE WHEN segment IS NULL OR segment = '' THEN 'users with no user type'
                         WHEN segment LIKE '%s' THEN segment
                         ELSE segment || 's' END
                 || ' start with ' || first_program,
           '01'
    FROM top_firsts
    WHERE type_rank <= 3
    UNION ALL
    SELECT 15,
           printf('%.1f%%', 100.0 * users / continued),
           'of those who continued after ' || (SELECT first_program FROM top_program)
               || ' took ' || next_program || ' next',
           '02'
    FROM next_after
    UNION ALL
    SELECT 20,
           printf('%.1f%%', 100.0 * count(*) FILTER (WHERE next_program IS NULL) / count(*)),
           'of all users never went on to a second program',
           '03'
    FROM firsts
    HAVING count(*) > 0
    UNION ALL
    SELECT 30,
           printf('%.0f days', avg(days_to_next)),
           'median time from the first program to the second, for users who continued',
           '03'
    FROM ranked
    WHERE k IN ((n + 1) / 2, (n + 2) / 2)
    HAVING count(*) > 0
    UNION ALL
    SELECT 40,
           printf('%.1f%%', 100.0 * users / (SELECT n FROM all_users)),
           'of all users took ' || program || ', the most popular program',
           '04'
    FROM popular
    WHERE (SELECT n FROM all_users) > 0
    UNION ALL
    SELECT 50,
           users,
           'users in ' || account || ', the largest corporate account ('
               || printf('%.1f%%', 100.0 * users / (SELECT n FROM all_users)) || ' of all users)',
           '05'
    FROM account
    WHERE (SELECT n FROM all_users) > 0
    UNION ALL
    SELECT 60,
           starts,
           'users started in ' || month || ', the busiest month',
           '06'
    FROM busiest
)
SELECT figure, text, report FROM findings ORDER BY ord;
