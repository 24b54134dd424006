// peer_duckdb.mjs CSV ID_TYPE RUNS TIMES_FILE INFO_FILE [SIX_TIMES SIX_OUT] -
// the seed report in DuckDB (the DuckDB peer of bench/run.sh), with npm's
// @duckdb/node-api as bench/ensure_duckdb.sh installs it into
// bench/data/duckdb-node; with SIX_TIMES and SIX_OUT also the six saved
// reports' answers (below).
//
// DuckDB's sqlite extension is downloaded on first use, which an offline
// machine cannot, so bench/run.sh exports the table to CSV with the sqlite3
// shell first (-csv -header: user_id, program, enrolled_at, user_type, and
// account when the table has one).
// This script loads that CSV into a DuckDB table, typed as the SQLite
// columns are (user_id ID_TYPE: VARCHAR or BIGINT; enrolled_at TIMESTAMP;
// the names VARCHAR), as an analyst whose data is already in DuckDB would
// have it, and does not time that. Then it computes the report RUNS times,
// timing only that (from sending the SQL to having the rows in JavaScript,
// formatted), and writes one line per run to TIMES_FILE: wall seconds and
// CPU seconds of the process (all of DuckDB's threads). INFO_FILE gets
// "version threads load_seconds".
//
// The report is bench/peer_window.sql's, in idiomatic DuckDB SQL: one
// GROUP BY user_id with arg_min(..., (enrolled_at, program), 2), the user's
// first two enrollments in (time, program name) order, kept in a temporary
// table, then the three answers from it. It prints the same lines as
// peer_window.sql (pct rounded to 4 decimals from the same integer counts,
// the median in seconds to 0.1, numbers printed as SQLite prints a REAL),
// so bench/run.sh can check it gives the same numbers.
//
// The six answers (SIX_TIMES, SIX_OUT given): the tables of the saved reports
// sql/01 to sql/06, in idiomatic DuckDB SQL, with learnpath's default rules
// as bench/report_plain.sql applies them: one GROUP BY user_id, enrolled_at
// makes each user's steps (a same-instant step of several programs is
// tied and labelled by its sorted distinct programs, 'A + B', rule 4;
// arg_min picks the step's first non-empty user_type and account, rules 6
// and 12; an ordered string_agg(DISTINCT ...) for the label took 5 times as
// long at 3M rows); one GROUP BY user_id
// takes the first step, type and account by arg_min, and one more the next
// step, the first whose label differs (rule 5); then the six reports'
// tables: arg_min group-bys, count(DISTINCT user_id) for sql/04, median()
// of integer millisecond gaps for sql/03, a generated month series for
// sql/06. Timed as the seed report (RUNS times after it, same process and
// table), one line per run to SIX_TIMES; SIX_OUT gets the tables in
// report_plain.sql's format (headers, '|', '== NN' before each report),
// the shares and days computed in JavaScript from DuckDB's integers exactly
// as SQLite computes them (100.0 * part / whole, ms / 86400000.0), so
// bench/run.sh can check them against the reports' tables.
import { createRequire } from 'node:module';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const here = new URL('.', import.meta.url);
const require = createRequire(new URL('data/duckdb-node/package.json', here));
const { DuckDBInstance } = require('@duckdb/node-api');

const [csv, idType, runsArg, timesFile, infoFile, sixTimesFile, sixOutFile] = process.argv.slice(2);
if (!csv || !['VARCHAR', 'BIGINT'].includes(idType) || !(Number(runsArg) > 0) || !timesFile || !infoFile ||
    (sixTimesFile && !sixOutFile)) {
    console.error('usage: node bench/peer_duckdb.mjs CSV VARCHAR|BIGINT RUNS TIMES_FILE INFO_FILE [SIX_TIMES SIX_OUT]');
    process.exit(2);
}

const FIRSTS = `
CREATE OR REPLACE TEMP TABLE firsts AS
SELECT user_id, f2[1].user_type AS user_type, f2[1].program AS first_program,
       f2[2].program AS next_program,
       epoch(f2[2].enrolled_at) - epoch(f2[1].enrolled_at) AS secs_to_next
FROM (
    SELECT user_id,
           arg_min({'program': program, 'enrolled_at': enrolled_at, 'user_type': user_type},
                   (enrolled_at, program), 2) AS f2
    FROM enrollments
    WHERE user_id IS NOT NULL AND program IS NOT NULL AND program <> '' AND enrolled_at IS NOT NULL
    GROUP BY user_id
)`;
// (a) first program by user type: users and the type's total
const A = `
SELECT user_type, first_program, count(*) AS users,
       sum(count(*)) OVER (PARTITION BY user_type) AS type_users
FROM firsts
GROUP BY user_type, first_program
ORDER BY user_type NULLS FIRST, first_program`;
// (b) first -> next program by user type, with '(did not continue)'
const B = `
SELECT user_type, first_program, coalesce(next_program, '(did not continue)') AS next_program,
       count(*) AS users,
       sum(count(*)) OVER (PARTITION BY user_type, first_program) AS starters
FROM firsts
GROUP BY 1, 2, 3
ORDER BY user_type NULLS FIRST, first_program, next_program`;
// (c) continuation rate and median seconds to the next program
const C = `
SELECT user_type, first_program, count(*) AS users, count(next_program) AS continued,
       median(secs_to_next) AS median_secs
FROM firsts
GROUP BY user_type, first_program
ORDER BY user_type NULLS FIRST, first_program`;

// round(x, digits) printed as the sqlite3 shell prints a REAL (as peer_pandas.py)
function sqlnum(x, digits) {
    if (x === null || x === undefined || Number.isNaN(x)) return '';
    let s = String(Number(Number(x).toFixed(digits)));
    if (!/[.en]/.test(s)) s += '.0';
    return s;
}
const txt = (v) => (v === null || v === undefined ? '' : String(v));
// 100.0 * part / whole in doubles, as SQLite computes it
const pct = (part, whole) => (100 * Number(part)) / Number(whole);

async function report(con) {
    await con.run(FIRSTS);
    const out = [];
    for (const r of (await con.runAndReadAll(A)).getRowsJS()) {
        out.push(`a|${txt(r[0])}|${txt(r[1])}|${Number(r[2])}|${sqlnum(pct(r[2], r[3]), 4)}`);
    }
    for (const r of (await con.runAndReadAll(B)).getRowsJS()) {
        out.push(`b|${txt(r[0])}|${txt(r[1])}|${txt(r[2])}|${Number(r[3])}|${sqlnum(pct(r[3], r[4]), 4)}`);
    }
    for (const r of (await con.runAndReadAll(C)).getRowsJS()) {
        out.push(`c|${txt(r[0])}|${txt(r[1])}|${Number(r[2])}|${Number(r[3])}|` +
                 `${sqlnum(pct(r[3], r[2]), 4)}|${r[4] === null ? '' : sqlnum(Number(r[4]), 1)}`);
    }
    await con.run('DROP TABLE firsts');
    return out;
}


// ------------------------------------------------------------ six answers
// rule 1: the rows used (an empty text id is no user)
const USED = `user_id IS NOT NULL ${idType === 'VARCHAR' ? "AND user_id <> '' " : ''}` +
    `AND program IS NOT NULL AND program <> '' AND enrolled_at IS NOT NULL`;
const SIX_STEPS = `
CREATE OR REPLACE TEMP TABLE steps AS
SELECT user_id, enrolled_at AS t,
       min(program) <> max(program) AS tied,
       CASE WHEN min(program) = max(program) THEN min(program)
            ELSE array_to_string(list_sort(list_distinct(list(program))), ' + ') END AS label,
       arg_min(user_type, (program, user_type)) FILTER (WHERE user_type <> '') AS seg,
       arg_min(account, (program, account)) FILTER (WHERE account <> '') AS acct,
       count(*) AS n
FROM enrollments
WHERE ${USED}
GROUP BY user_id, enrolled_at`;
const SIX_USERS = `
CREATE OR REPLACE TEMP TABLE users AS
WITH f AS (
    SELECT user_id,
           arg_min({'t': t, 'label': label, 'tied': tied}, t) AS s1,
           arg_min(seg, t) FILTER (WHERE seg IS NOT NULL) AS segment,
           arg_min(acct, t) FILTER (WHERE acct IS NOT NULL) AS account,
           sum(n) AS enrollments
    FROM steps GROUP BY user_id
),
n AS (
    SELECT s.user_id, arg_min({'t': s.t, 'label': s.label, 'tied': s.tied}, s.t) AS s2
    FROM steps AS s JOIN f USING (user_id)
    WHERE s.label <> f.s1.label
    GROUP BY s.user_id
)
SELECT f.user_id, coalesce(f.segment, '(no user type)') AS user_type, f.account, f.enrollments,
       f.s1.label AS first_label, f.s1.t AS t1,
       CASE WHEN f.s1.tied THEN '(several at once)' ELSE f.s1.label END AS first_program,
       CASE WHEN n.s2 IS NULL THEN '(did not continue)'
            WHEN n.s2.tied THEN '(several at once)' ELSE n.s2.label END AS next_program,
       epoch_ms(n.s2.t) - epoch_ms(f.s1.t) AS gap
FROM f LEFT JOIN n USING (user_id)`;
// first-program mix (sql/01 table 2; sql/05 table 2 with an account filter)
const mix = (where) => `
SELECT user_type, first_program, count(*) AS users,
       sum(count(*)) OVER (PARTITION BY user_type) AS type_users
FROM users ${where}
GROUP BY user_type, first_program
ORDER BY user_type, users DESC, first_program`;
// initial -> next (sql/02; sql/05 table 3 with an account filter)
const moves = (where) => `
SELECT user_type, first_program, sum(count(*)) OVER (PARTITION BY user_type, first_program) AS starters,
       next_program, count(*) AS users,
       sum(count(*) FILTER (WHERE next_program <> '(did not continue)'))
           OVER (PARTITION BY user_type, first_program) AS continuers
FROM users ${where}
GROUP BY user_type, first_program, next_program
ORDER BY user_type, starters DESC, first_program, users DESC, next_program`;
// the largest account (sql/05): most users, then the first name
const SIX_TOP = `
CREATE OR REPLACE TEMP TABLE top_account AS
SELECT account FROM users WHERE account IS NOT NULL
GROUP BY account ORDER BY count(*) DESC, account LIMIT 1`;
const TOP = '(SELECT account FROM top_account)';
const SIX = [
    // the client's report settings (README rule 16): the flagship Flagship
    ['01', 'segment|starts_with|users|pct_of_segment', `
SELECT user_type, starts_with, count(*) AS users, sum(count(*)) OVER (PARTITION BY user_type) AS type_users
FROM (SELECT user_type,
             CASE WHEN first_program = 'Flagship' THEN 'the flagship'
                  WHEN first_program = '(several at once)' THEN 'several at once'
                  ELSE 'another program' END AS starts_with
      FROM users)
GROUP BY user_type, starts_with
ORDER BY user_type, CASE starts_with WHEN 'the flagship' THEN 1 WHEN 'another program' THEN 2 ELSE 3 END`,
     (r) => [r[0], r[1], r[2], pct1(r[2], r[3])]],
    [null, 'segment|first_program|users|pct_of_segment', mix(''),
     (r) => [r[0], r[1], r[2], pct1(r[2], r[3])]],
    ['02', 'segment|initial_program|starters|next_program|users|pct_of_starters|pct_of_continuers', moves(''),
     (r) => [r[0], r[1], r[2], r[3], r[4], pct1(r[4], r[2]),
             r[3] === '(did not continue)' ? null : pct1(r[4], r[5])]],
    // with the Kaplan-Meier estimate of continuing within 365 days (rules 17-18) and its
    // 'log' band, as bench/report_plain.sql computes them
    ['03', 'segment|first_program|users|continued|pct_continued|pct_within_365_days|interval_95|median_days_to_next', `
WITH e AS (SELECT max(epoch_ms(enrolled_at)) AS e FROM enrollments WHERE ${USED}),
obs AS (
    SELECT user_type AS seg, first_label AS label,
           CASE WHEN gap IS NOT NULL THEN gap / 86400000.0
                ELSE (e.e - epoch_ms(t1)) / 86400000.0 END AS t,
           CASE WHEN gap IS NOT NULL THEN 1 ELSE 0 END AS ev
    FROM users, e
),
ko AS (
    SELECT seg AS k1, label AS k2, t, ev FROM obs
    UNION ALL SELECT seg, NULL, t, ev FROM obs
    UNION ALL SELECT '(all users)', NULL, t, ev FROM obs
),
kt AS (
    SELECT k1, k2, t, sum(ev) AS d,
           sum(count(*)) OVER (PARTITION BY k1, k2 ORDER BY t DESC
                               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n
    FROM ko GROUP BY k1, k2, t
),
ks AS (
    SELECT k1, k2, bool_or(d = n) AS zero,
           exp(sum(ln(CASE WHEN d = n THEN 1.0 ELSE 1.0 - d::DOUBLE / n END))) AS s,
           sum(CASE WHEN d = n THEN 0.0 ELSE d::DOUBLE / (n::DOUBLE * (n - d)) END) AS v
    FROM kt WHERE d > 0 AND t <= 365 GROUP BY k1, k2
),
ka AS (SELECT k1, k2, count(*) FILTER (WHERE t >= 365) AS at_risk FROM ko GROUP BY k1, k2),
km AS (
    SELECT ka.k1, ka.k2, ka.at_risk,
           CASE WHEN ks.zero THEN 0.0 ELSE coalesce(ks.s, 1.0) END AS s,
           CASE WHEN ks.zero THEN NULL ELSE coalesce(ks.v, 0.0) END AS v
    FROM ka LEFT JOIN ks ON ks.k1 IS NOT DISTINCT FROM ka.k1 AND ks.k2 IS NOT DISTINCT FROM ka.k2
),
rows AS (
    SELECT user_type, first_program, false AS is_total, first_label, gap FROM users
    UNION ALL
    SELECT user_type, '(all first programs)', true, NULL, gap FROM users
    UNION ALL
    SELECT '(all users)', '(all first programs)', true, NULL, gap FROM users
),
g AS (
    SELECT user_type, first_program, count(*) AS users, count(gap) AS continued,
           -- '(several at once)' folds tie groups: a median only when it is one group
           CASE WHEN is_total OR count(DISTINCT first_label) = 1 THEN median(gap) END AS median_ms,
           is_total, count(DISTINCT first_label) AS labels, min(first_label) AS label
    FROM rows
    GROUP BY user_type, first_program, is_total
)
SELECT g.user_type, g.first_program, g.users, g.continued, g.median_ms,
       CASE WHEN km.at_risk > 0 OR km.s = 0 THEN 1.0 - km.s END AS km_rate,
       CASE WHEN km.at_risk > 0 AND km.s > 0 AND km.v IS NOT NULL
            THEN 1.0 - least(1.0, km.s * exp(1.959963984540054 * sqrt(km.v))) END AS km_low,
       CASE WHEN km.at_risk > 0 AND km.s > 0 AND km.v IS NOT NULL
            THEN 1.0 - km.s * exp(-1.959963984540054 * sqrt(km.v)) END AS km_high
FROM g LEFT JOIN km
    ON (g.is_total OR g.labels = 1) AND km.k1 = g.user_type
   AND km.k2 IS NOT DISTINCT FROM (CASE WHEN g.is_total THEN NULL ELSE g.label END)
ORDER BY g.user_type = '(all users)', g.user_type, g.is_total, g.users DESC, g.first_program`,
     (r) => [r[0], r[1], r[2], r[3], pct1(r[3], r[2]),
             r[5] === null ? null : sqlnum(100 * Number(r[5]), 1),
             r[6] === null || r[7] === null ? null
                 : `${sqlnum(100 * Number(r[6]), 1)}-${sqlnum(100 * Number(r[7]), 1)}`,
             r[4] === null ? null : sqlnum(Number(r[4]) / 86400000, 1)]],
    ['04', 'segment|program|enrollments|users|segment_users|pct_of_segment_users', `
WITH typed AS (
    SELECT u.user_type, e.program, e.user_id
    FROM enrollments AS e JOIN users AS u USING (user_id)
    WHERE e.program IS NOT NULL AND e.program <> '' AND e.enrolled_at IS NOT NULL
),
pop AS (
    SELECT user_type, program, count(*) AS enrollments, count(DISTINCT user_id) AS users
    FROM typed GROUP BY user_type, program
    UNION ALL
    SELECT '(all users)', program, count(*), count(DISTINCT user_id)
    FROM typed GROUP BY program
),
tu AS (
    SELECT user_type, count(*) AS type_users FROM users GROUP BY user_type
    UNION ALL
    SELECT '(all users)', count(*) FROM users
)
SELECT user_type, program, enrollments, users, type_users
FROM pop JOIN tu USING (user_type)
ORDER BY user_type = '(all users)', user_type, users DESC, program`,
     (r) => [r[0], r[1], r[2], r[3], r[4], pct1(r[3], r[4])]],
    ['05', 'group|users|enrollments|pct_of_all_users', `
SELECT account, count(*) AS users, sum(enrollments) AS enrollments,
       (SELECT count(*) FROM users) AS all_users
FROM users WHERE account = ${TOP}
GROUP BY account`,
     (r) => [r[0], r[1], r[2], sqlnum(100 * (Number(r[1]) / Number(r[3])), 1)]],
    [null, 'segment|first_program|users|pct_of_segment', mix(`WHERE account = ${TOP}`),
     (r) => [r[0], r[1], r[2], pct1(r[2], r[3])]],
    [null, 'segment|initial_program|starters|next_program|users|pct_of_starters|pct_of_continuers',
     moves(`WHERE account = ${TOP}`),
     (r) => [r[0], r[1], r[2], r[3], r[4], pct1(r[4], r[2]),
             r[3] === '(did not continue)' ? null : pct1(r[4], r[5])]],
    // the columns: the six most common first programs (a tie step is none), then the rest
    ['06', 'column|first_program|users', `
WITH ranked AS (
    SELECT row_number() OVER (ORDER BY count(*) DESC, first_label) AS k, first_label AS program,
           count(*) AS users
    FROM users WHERE first_program <> '(several at once)'
    GROUP BY first_label
)
SELECT col, program, users FROM (
    SELECT k, '#' || k AS col, program, users FROM ranked WHERE k <= 6
    UNION ALL
    SELECT 7, '(other)', '(every other first program, and several at once)',
           (SELECT count(*) FROM users) - (SELECT coalesce(sum(users), 0) FROM ranked WHERE k <= 6))
ORDER BY k`,
     (r) => r],
    [null, 'month|#1|#2|#3|#4|#5|#6|(other)|total', `
WITH months AS (
    SELECT strftime(m, '%Y-%m') AS month
    FROM (SELECT date_trunc('month', min(enrolled_at)) AS lo, date_trunc('month', max(enrolled_at)) AS hi
          FROM enrollments WHERE ${USED}),
         generate_series(lo, hi, INTERVAL 1 MONTH) AS g(m)
),
ranked AS (
    SELECT row_number() OVER (ORDER BY count(*) DESC, first_label) AS k, first_label AS program
    FROM users WHERE first_program <> '(several at once)'
    GROUP BY first_label
),
starts AS (
    SELECT strftime(u.t1, '%Y-%m') AS month,
           CASE WHEN u.first_program = '(several at once)' THEN 7 ELSE least(r.k, 7) END AS k
    FROM users AS u LEFT JOIN ranked AS r ON r.program = u.first_label
),
n AS (SELECT count(*) AS n FROM ranked),
by_month AS (
    SELECT month,
           CASE WHEN (SELECT n FROM n) >= 1 THEN count(*) FILTER (WHERE k = 1) END AS c1,
           CASE WHEN (SELECT n FROM n) >= 2 THEN count(*) FILTER (WHERE k = 2) END AS c2,
           CASE WHEN (SELECT n FROM n) >= 3 THEN count(*) FILTER (WHERE k = 3) END AS c3,
           CASE WHEN (SELECT n FROM n) >= 4 THEN count(*) FILTER (WHERE k = 4) END AS c4,
           CASE WHEN (SELECT n FROM n) >= 5 THEN count(*) FILTER (WHERE k = 5) END AS c5,
           CASE WHEN (SELECT n FROM n) >= 6 THEN count(*) FILTER (WHERE k = 6) END AS c6,
           count(*) FILTER (WHERE k = 7) AS other,
           count(k) AS total
    FROM months LEFT JOIN starts USING (month)
    GROUP BY month
)
SELECT * FROM by_month
UNION ALL
SELECT 'Total', sum(c1), sum(c2), sum(c3), sum(c4), sum(c5), sum(c6), sum(other), sum(total) FROM by_month
ORDER BY month`,
     (r) => r],
];
// round(100.0 * part / whole, 1) as SQLite prints it
const pct1 = (part, whole) => sqlnum(pct(part, whole), 1);

async function sixAnswers(con) {
    await con.run(SIX_STEPS);
    await con.run(SIX_USERS);
    await con.run(SIX_TOP);
    const out = [];
    for (const [marker, header, sql, fmt] of SIX) {
        if (marker) out.push(`== ${marker}`);
        out.push(header);
        for (const r of (await con.runAndReadAll(sql)).getRowsJS()) {
            out.push(fmt(r).map((v) => (typeof v === 'bigint' ? String(v) : txt(v))).join('|'));
        }
    }
    await con.run('DROP TABLE top_account');
    await con.run('DROP TABLE users');
    await con.run('DROP TABLE steps');
    return out;
}

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const meta = (await con.runAndReadAll("SELECT version(), current_setting('threads')")).getRowsJS()[0];

// the CSV's columns: user_id, program, enrolled_at, user_type[, account]
const head = Buffer.alloc(256);
const fd = openSync(csv, 'r');
const header = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8').split(/\r?\n/)[0];
closeSync(fd);
const hasAccount = header.split(',').includes('account');
if (sixTimesFile && !hasAccount) {
    console.error('peer_duckdb: the six answers need an account column in the CSV');
    process.exit(2);
}
let t0 = performance.now();
await con.run(`
CREATE TABLE enrollments AS
SELECT * FROM read_csv($1, header = true, allow_quoted_nulls = false,
    columns = {'user_id': '${idType}', 'program': 'VARCHAR', 'enrolled_at': 'TIMESTAMP', 'user_type': 'VARCHAR'` +
    `${hasAccount ? ", 'account': 'VARCHAR'" : ''}})`,
    [csv]);
const loadSeconds = (performance.now() - t0) / 1000;
writeFileSync(infoFile, `${meta[0]} ${meta[1]} ${loadSeconds.toFixed(3)}\n`);

const times = [];
let first = null;
for (let i = 0; i < Number(runsArg); i++) {
    const c0 = process.cpuUsage();
    t0 = performance.now();
    const out = await report(con);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    times.push(`${wall.toFixed(4)} ${((cpu.user + cpu.system) / 1e6).toFixed(4)}`);
    if (first === null) first = out;
    else if (out.join('\n') !== first.join('\n')) {
        console.error('peer_duckdb: the report differs between runs');
        process.exit(1);
    }
}
writeFileSync(timesFile, times.join('\n') + '\n');
process.stdout.write(first.join('\n') + '\n');

if (sixTimesFile) {
    const sixTimes = [];
    let sixFirst = null;
    for (let i = 0; i < Number(runsArg); i++) {
        const c0 = process.cpuUsage();
        t0 = performance.now();
        const out = await sixAnswers(con);
        const wall = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(c0);
        sixTimes.push(`${wall.toFixed(4)} ${((cpu.user + cpu.system) / 1e6).toFixed(4)}`);
        if (sixFirst === null) sixFirst = out;
        else if (out.join('\n') !== sixFirst.join('\n')) {
            console.error('peer_duckdb: the six answers differ between runs');
            process.exit(1);
        }
    }
    writeFileSync(sixTimesFile, sixTimes.join('\n') + '\n');
    writeFileSync(sixOutFile, sixFirst.join('\n') + '\n');
}
