// peer_duckdb.mjs CSV ID_TYPE RUNS TIMES_FILE INFO_FILE - the seed report in
// DuckDB (the DuckDB peer of bench/run.sh), with npm's @duckdb/node-api as
// bench/ensure_duckdb.sh installs it into bench/data/duckdb-node.
//
// DuckDB's sqlite extension is downloaded on first use, which an offline
// machine cannot, so bench/run.sh exports the table to CSV with the sqlite3
// shell first (-csv -header: user_id, program, enrolled_at, user_type).
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
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const here = new URL('.', import.meta.url);
const require = createRequire(new URL('data/duckdb-node/package.json', here));
const { DuckDBInstance } = require('@duckdb/node-api');

const [csv, idType, runsArg, timesFile, infoFile] = process.argv.slice(2);
if (!csv || !['VARCHAR', 'BIGINT'].includes(idType) || !(Number(runsArg) > 0) || !timesFile || !infoFile) {
    console.error('usage: node bench/peer_duckdb.mjs CSV VARCHAR|BIGINT RUNS TIMES_FILE INFO_FILE');
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

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const meta = (await con.runAndReadAll("SELECT version(), current_setting('threads')")).getRowsJS()[0];

let t0 = performance.now();
await con.run(`
CREATE TABLE enrollments AS
SELECT * FROM read_csv($1, header = true, allow_quoted_nulls = false,
    columns = {'user_id': '${idType}', 'program': 'VARCHAR', 'enrolled_at': 'TIMESTAMP', 'user_type': 'VARCHAR'})`,
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
