-- report_plain.sql - the tables of the six saved reports (sql/01 to sql/06)
-- in plain SQLite SQL: window functions and GROUP BY, no learnpath. `make
-- bench` (bench/run.sh) checks that the reports, run as the client runs them
-- (the sqlite3 shell, list mode, headers on), print exactly these lines:
-- the same tables, columns, rows, order and numbers.
--
-- It applies learnpath's default rules (README.md "Rules") by hand:
--   rule 1  rows whose user, program or time is NULL or empty are left out;
--   rule 2  a time is julianday(enrolled_at), kept as integer milliseconds
--           (julianday * 86400000, the value SQLite and learnpath both hold),
--           so gaps and medians are exact integers until the last division;
--   rule 4  a user's enrollments at the same instant are ONE step, labelled
--           by its distinct programs in name order ('A + B'), tied when it
--           holds more than one; the reports show such steps as
--           '(several at once)';
--   rule 5  consecutive steps with the same label are one step, so a user's
--           next step is the first step whose label differs from the first's;
--   rule 6  a user's type is the first non-empty user_type in order of
--           time, program, user_type;
--   rule 9  days between step starts; the median of an even count is the
--           mean of the two middle values;
--   rule 12 a user's account is the first non-empty account, in the same
--           order as rule 6.
-- The last columns (shares, medians) use the reports' own rounding
-- expressions on the same integers, so nothing is left to a last-bit
-- difference of a double. Times are read with julianday(), which is right
-- for the bench's data (uniform 'YYYY-MM-DD HH:MM:SS' text); learnpath reads
-- more forms (rule 2).
-- Output: '.print' markers '== NN' before each report's tables, then each
-- table with its header line, '|'-separated (the reports' .print captions
-- are not part of the comparison).
-- Run from the repository root:  sqlite3 DB < bench/report_plain.sql
.headers on
.mode list
.nullvalue ''

-- rule 1 and 2: the rows used, time as integer ms
CREATE TEMP VIEW used AS
SELECT user_id, program, CAST(round(julianday(enrolled_at) * 86400000) AS INTEGER) AS ms,
       user_type, account
FROM enrollments
WHERE user_id IS NOT NULL AND user_id <> ''
  AND program IS NOT NULL AND program <> ''
  AND enrolled_at IS NOT NULL AND enrolled_at <> '';

-- rule 4: one row per user and instant: the step, its label and programs
CREATE TEMP TABLE steps AS
SELECT user_id, ms, label, np
FROM (SELECT user_id, ms,
             group_concat(program, ' + ') OVER p AS label,
             count(*) OVER p AS np,
             row_number() OVER p AS r
      FROM (SELECT DISTINCT user_id, program, ms FROM used)
      WINDOW p AS (PARTITION BY user_id, ms ORDER BY program
                   ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
WHERE r = 1;

-- rules 6 and 12: each user's type and account
-- (tables made by CREATE TABLE ... AS keep the user column's affinity, so
-- the joins on user_id below can use an index: a column of no affinity
-- would compare integer ids numerically and not use one.)
CREATE TEMP TABLE segs AS
SELECT user_id, user_type AS segment
FROM (SELECT user_id, user_type,
             row_number() OVER (PARTITION BY user_id ORDER BY ms, program, user_type) AS r
      FROM used WHERE user_type IS NOT NULL AND user_type <> '')
WHERE r = 1;
CREATE TEMP TABLE accts AS
SELECT user_id, account
FROM (SELECT user_id, account,
             row_number() OVER (PARTITION BY user_id ORDER BY ms, program, account) AS r
      FROM used WHERE account IS NOT NULL AND account <> '')
WHERE r = 1;
CREATE UNIQUE INDEX temp.segs_user ON segs(user_id);
CREATE UNIQUE INDEX temp.accts_user ON accts(user_id);

-- rule 5: per user the first step and the next one (the first step whose
-- label differs from the first's). One min() in the GROUP BY, so SQLite
-- takes the bare columns label and np from the row of that min.
CREATE TEMP TABLE users AS
SELECT j.user_id, coalesce(s.segment, '(no user type)') AS user_type, a.account,
       j.fl AS first_label, j.fnp > 1 AS tied, j.fms AS ms1,
       CASE WHEN j.ms2 IS NOT NULL THEN j.label END AS next_label,
       CASE WHEN j.ms2 IS NOT NULL THEN j.np > 1 END AS next_tied,
       j.ms2 - j.fms AS gap
FROM (SELECT user_id, fl, fnp, fms,
             min(CASE WHEN label <> fl THEN ms END) AS ms2, label, np
      FROM (SELECT user_id, ms, label, np,
                   first_value(label) OVER w AS fl,
                   first_value(np) OVER w AS fnp,
                   first_value(ms) OVER w AS fms
            FROM steps
            WINDOW w AS (PARTITION BY user_id ORDER BY ms))
      GROUP BY user_id) AS j
LEFT JOIN segs AS s USING (user_id)
LEFT JOIN accts AS a USING (user_id);
CREATE UNIQUE INDEX temp.users_user ON users(user_id);

CREATE TEMP VIEW firsts AS
SELECT user_id, user_type, account, first_label, gap,
       CASE WHEN tied THEN '(several at once)' ELSE first_label END AS first_program,
       CASE WHEN gap IS NULL THEN '(did not continue)'
            WHEN next_tied THEN '(several at once)' ELSE next_label END AS next_program
FROM users;

-- ------------------------------------------------------------------ 01
.print '== 01'
-- (the client's report settings: flagship 'Flagship', group column account)
SELECT user_type AS segment,
       CASE WHEN first_program = 'Flagship' THEN 'the flagship'
            WHEN first_program = '(several at once)' THEN 'several at once'
            ELSE 'another program' END AS starts_with,
       count(*) AS users,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY user_type), 1) AS pct_of_segment
FROM firsts
GROUP BY user_type, starts_with
ORDER BY user_type, CASE starts_with WHEN 'the flagship' THEN 1 WHEN 'another program' THEN 2 ELSE 3 END;

-- (the same users by first program: sql/01 table 2, and sql/05 table 2 for one account)
CREATE TEMP VIEW first_mix AS
SELECT account, user_type, first_program, count(*) AS users
FROM firsts
GROUP BY account, user_type, first_program;

SELECT user_type AS segment, first_program, sum(users) AS users,
       round(100.0 * sum(users) / sum(sum(users)) OVER (PARTITION BY user_type), 1) AS pct_of_segment
FROM first_mix
GROUP BY user_type, first_program
ORDER BY user_type, users DESC, first_program;

-- ------------------------------------------------------------------ 02
.print '== 02'
CREATE TEMP VIEW moves AS
SELECT account, user_type, first_program AS initial_program, next_program, count(*) AS users
FROM firsts
GROUP BY account, user_type, first_program, next_program;

WITH folded AS (
    SELECT user_type, initial_program, next_program, sum(users) AS users
    FROM moves GROUP BY user_type, initial_program, next_program
)
SELECT user_type AS segment,
       initial_program,
       sum(users) OVER (PARTITION BY user_type, initial_program) AS starters,
       next_program,
       users,
       round(100.0 * users / sum(users) OVER (PARTITION BY user_type, initial_program), 1)
           AS pct_of_starters,
       CASE WHEN next_program <> '(did not continue)' THEN
           round(100.0 * users / sum(CASE WHEN next_program <> '(did not continue)' THEN users END)
                                 OVER (PARTITION BY user_type, initial_program), 1)
       END AS pct_of_continuers
FROM folded
ORDER BY user_type, starters DESC, initial_program, users DESC, next_program;

-- ------------------------------------------------------------------ 03
.print '== 03'
-- the Kaplan-Meier estimate of continuing within 365 days (rules 17-18):
-- each user's time is the days to the second step (an event) or to the
-- data's last enrollment E (censored); per group and distinct time t, d
-- events and n users at risk (time >= t); S(365) = the product of
-- (1 - d/n) over event times <= 365 (taken as exp of a sum of logs: equal
-- to C's running product to about 1e-15, well under the 0.1 shown), 0 once
-- d = n; Greenwood's sum of d / (n (n - d)); the 'log' band
-- S exp(+-z sigma), capped at 1, z = 1.959963984540054; no estimate when no
-- one in the group is at risk at 365 days
CREATE TEMP TABLE km_obs AS
WITH e AS (SELECT max(ms) AS e FROM used),
obs AS (
    SELECT u.user_type AS seg, u.first_label AS label,
           CASE WHEN u.gap IS NOT NULL THEN u.gap / 86400000.0
                ELSE (e.e - u.ms1) / 86400000.0 END AS t,
           u.gap IS NOT NULL AS ev
    FROM users AS u, e
)
SELECT seg AS k1, label AS k2, t, ev FROM obs
UNION ALL SELECT seg, NULL, t, ev FROM obs
UNION ALL SELECT '(all users)', NULL, t, ev FROM obs;

CREATE TEMP TABLE km_times AS
SELECT k1, k2, t, sum(ev) AS d,
       sum(count(*)) OVER (PARTITION BY k1, k2 ORDER BY t DESC
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n
FROM km_obs GROUP BY k1, k2, t;

CREATE TEMP TABLE km AS
SELECT g.k1, g.k2, s.s, s.v, (SELECT count(*) FROM km_obs AS o
                             WHERE o.k1 IS g.k1 AND o.k2 IS g.k2 AND o.t >= 365) AS at_risk
FROM (SELECT DISTINCT k1, k2 FROM km_times) AS g
LEFT JOIN (SELECT k1, k2,
                  CASE WHEN max(d = n) THEN 0.0 ELSE exp(sum(ln(1.0 - CAST(d AS REAL) / n))) END AS s,
                  CASE WHEN max(d = n) THEN NULL
                       ELSE sum(CAST(d AS REAL) / (CAST(n AS REAL) * (n - d))) END AS v
           FROM km_times WHERE d > 0 AND t <= 365
           GROUP BY k1, k2) AS s
    ON s.k1 IS g.k1 AND s.k2 IS g.k2;

WITH keyed AS (
    SELECT user_type, first_program, 0 AS is_total, first_label, gap FROM firsts
    UNION ALL
    SELECT user_type, '(all first programs)', 1, NULL, gap FROM firsts
    UNION ALL
    SELECT '(all users)', '(all first programs)', 1, NULL, gap FROM firsts
),
totals AS (
    SELECT user_type, first_program, is_total, count(*) AS users, count(gap) AS continued,
           count(DISTINCT first_label) AS labels, min(first_label) AS label
    FROM keyed GROUP BY user_type, first_program
),
ranked AS (
    SELECT user_type, first_program, gap,
           row_number() OVER (PARTITION BY user_type, first_program ORDER BY gap) AS k,
           count(*) OVER (PARTITION BY user_type, first_program) AS n
    FROM keyed WHERE gap IS NOT NULL
),
medians AS (
    SELECT user_type, first_program, avg(gap) / 86400000.0 AS median_days
    FROM ranked WHERE k IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY user_type, first_program
),
-- the estimate of each row's group: one label (a folded '(several at
-- once)' of several tie groups has none), or the totals
est AS (
    SELECT t.user_type, t.first_program,
           CASE WHEN k.at_risk > 0 OR coalesce(k.s, 1.0) = 0 THEN 1.0 - coalesce(k.s, 1.0) END AS km_rate,
           CASE WHEN k.at_risk > 0 AND coalesce(k.s, 1.0) > 0 AND coalesce(k.v, 0.0) IS NOT NULL
                THEN 1.0 - min(1.0, coalesce(k.s, 1.0) * exp(1.959963984540054 * sqrt(coalesce(k.v, 0.0))))
           END AS km_low,
           CASE WHEN k.at_risk > 0 AND coalesce(k.s, 1.0) > 0 AND coalesce(k.v, 0.0) IS NOT NULL
                THEN 1.0 - coalesce(k.s, 1.0) * exp(-1.959963984540054 * sqrt(coalesce(k.v, 0.0)))
           END AS km_high
    FROM totals AS t
    JOIN km AS k ON k.k1 = t.user_type
                AND k.k2 IS (CASE WHEN t.is_total THEN NULL ELSE t.label END)
    WHERE t.is_total OR t.labels = 1
)
SELECT t.user_type AS segment,
       t.first_program,
       t.users,
       t.continued,
       round(100.0 * t.continued / t.users, 1) AS pct_continued,
       round(100.0 * e.km_rate, 1) AS pct_within_365_days,
       round(100.0 * e.km_low, 1) || '-' || round(100.0 * e.km_high, 1) AS interval_95,
       -- '(several at once)' folds tie groups: a median only when it is one group
       round(CASE WHEN t.is_total OR t.labels = 1 THEN m.median_days END, 1) AS median_days_to_next
FROM totals AS t
LEFT JOIN medians AS m USING (user_type, first_program)
LEFT JOIN est AS e USING (user_type, first_program)
ORDER BY t.user_type = '(all users)', t.user_type, t.is_total, t.users DESC, t.first_program;

.print '== 04'
WITH rows_typed AS (
    SELECT u.user_type, e.program, e.user_id
    FROM used AS e JOIN users AS u USING (user_id)
),
type_users AS (
    SELECT user_type, count(*) AS type_users FROM users GROUP BY user_type
    UNION ALL
    SELECT '(all users)', count(*) FROM users
),
popularity AS (
    SELECT user_type, program, count(*) AS enrollments, count(DISTINCT user_id) AS users
    FROM rows_typed GROUP BY user_type, program
    UNION ALL
    SELECT '(all users)', program, count(*), count(DISTINCT user_id)
    FROM rows_typed GROUP BY program
)
SELECT user_type AS segment, program, enrollments, users, type_users AS segment_users,
       round(100.0 * users / type_users, 1) AS pct_of_segment_users
FROM popularity JOIN type_users USING (user_type)
ORDER BY user_type = '(all users)', user_type, users DESC, program;

-- ------------------------------------------------------------------ 05
.print '== 05'
CREATE TEMP TABLE top_account AS
SELECT account, count(*) AS users
FROM users WHERE account IS NOT NULL
GROUP BY account ORDER BY users DESC, account LIMIT 1;

SELECT t.account AS "group",
       t.users,
       (SELECT count(*) FROM used AS e JOIN users AS u USING (user_id)
        WHERE u.account = t.account) AS enrollments,
       -- group_stats' share_of_users is users / all users, a double
       round(100.0 * (CAST(t.users AS REAL) / (SELECT count(*) FROM users)), 1) AS pct_of_all_users
FROM top_account AS t;

SELECT user_type AS segment, first_program, users,
       round(100.0 * users / sum(users) OVER (PARTITION BY user_type), 1) AS pct_of_segment
FROM first_mix
WHERE account = (SELECT account FROM top_account)
ORDER BY user_type, users DESC, first_program;

SELECT user_type AS segment,
       initial_program,
       sum(users) OVER (PARTITION BY user_type, initial_program) AS starters,
       next_program,
       users,
       round(100.0 * users / sum(users) OVER (PARTITION BY user_type, initial_program), 1)
           AS pct_of_starters,
       CASE WHEN next_program <> '(did not continue)' THEN
           round(100.0 * users / sum(CASE WHEN next_program <> '(did not continue)' THEN users END)
                                 OVER (PARTITION BY user_type, initial_program), 1)
       END AS pct_of_continuers
FROM moves
WHERE account = (SELECT account FROM top_account)
ORDER BY user_type, starters DESC, initial_program, users DESC, next_program;

-- ------------------------------------------------------------------ 06
.print '== 06'
-- the columns: the six most common first programs (a tie step is no
-- program), then the rest
CREATE TEMP TABLE ranked AS
SELECT row_number() OVER (ORDER BY count(*) DESC, first_label) AS k, first_label AS program,
       count(*) AS users
FROM users WHERE NOT tied
GROUP BY first_label;

SELECT "column", first_program, users
FROM (SELECT k, '#' || k AS "column", program AS first_program, users FROM ranked WHERE k <= 6
      UNION ALL
      SELECT 7, '(other)', '(every other first program, and several at once)',
             (SELECT count(*) FROM users) - (SELECT coalesce(sum(users), 0) FROM ranked WHERE k <= 6))
ORDER BY k;

WITH RECURSIVE
span AS (
    SELECT strftime('%Y-%m', min(ms) / 86400000.0) AS first_month,
           strftime('%Y-%m', max(ms) / 86400000.0) AS last_month
    FROM used
),
months(month) AS (
    SELECT first_month FROM span WHERE first_month IS NOT NULL
    UNION ALL
    SELECT strftime('%Y-%m', month || '-01', '+1 month') FROM months, span
    WHERE month < last_month
),
starts AS (
    SELECT strftime('%Y-%m', u.ms1 / 86400000.0) AS month,
           CASE WHEN u.tied THEN 7 ELSE min(r.k, 7) END AS k
    FROM users AS u LEFT JOIN ranked AS r ON r.program = u.first_label AND NOT u.tied
),
n AS (SELECT count(*) AS n FROM ranked),
by_month AS (
    SELECT m.month,
           CASE WHEN (SELECT n FROM n) >= 1 THEN count(*) FILTER (WHERE k = 1) END AS "#1",
           CASE WHEN (SELECT n FROM n) >= 2 THEN count(*) FILTER (WHERE k = 2) END AS "#2",
           CASE WHEN (SELECT n FROM n) >= 3 THEN count(*) FILTER (WHERE k = 3) END AS "#3",
           CASE WHEN (SELECT n FROM n) >= 4 THEN count(*) FILTER (WHERE k = 4) END AS "#4",
           CASE WHEN (SELECT n FROM n) >= 5 THEN count(*) FILTER (WHERE k = 5) END AS "#5",
           CASE WHEN (SELECT n FROM n) >= 6 THEN count(*) FILTER (WHERE k = 6) END AS "#6",
           count(*) FILTER (WHERE k = 7) AS "(other)",
           count(k) AS total
    FROM months AS m LEFT JOIN starts AS s USING (month)
    GROUP BY m.month
)
SELECT * FROM by_month
UNION ALL
SELECT 'Total', sum("#1"), sum("#2"), sum("#3"), sum("#4"), sum("#5"), sum("#6"),
       sum("(other)"), sum(total)
FROM by_month
ORDER BY month;
