#!/bin/sh
# bench/make_data.sh - the benchmark's data, in the shapes of issue 12.
#
#   sh bench/make_data.sh ROWS SHAPE EXT     prints the database's path
#   sh bench/make_data.sh --list             prints the shapes, one a line
#   sh bench/make_data.sh --describe SHAPE   prints what the shape is
#
# ROWS: about how many enrollments; users = ROWS / 1.4 (rounded). EXT: the
# learnpath extension to load (its path, with or without the suffix).
# SQLITE3 (sqlite3) and BENCH_CHUNK_USERS (10000000) as in bench/run.sh.
# Each file is made once and reused: bench/data/bench-<rows>.db for the
# favorable shape (the file name bench/ab.sh and older benches use) and
# bench/data/bench-<rows>-<shape>.db for the others; delete one to
# regenerate it. Progress goes to stderr.
#
# Shapes. Every one holds the same enrollments of the same users (one
# sample_enrollments dataset), so every answer of the bench that does not
# print user ids must be the same on all of them; bench/run.sh checks that.
#   favorable    sample_enrollments as it comes: rows grouped by user, users
#                in id order, ids 1..users (INT). The shape learnpath's fast
#                paths were written for.
#   text-time    rows in enrollment-time order (enrolled_at, then the
#                favorable file's row order), user ids as UUID-like text
#                (36 characters, 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx').
#   email-time   rows in time order, ids as e-mail-like text
#                ('first.last<id>@domain', 20 to 35 characters).
#   int-time     rows in time order, ids as integers not in row order: a
#                bijective hash of the id, 1 to 2^31 - 1.
#   text-random  rows in random order (a fixed permutation: a bijective hash
#                of the favorable row), UUID-like text ids.
# A derived shape is made from the favorable file (ATTACHed, which is made
# first when missing) with one INSERT ... SELECT ... ORDER BY. Its ids come
# from the favorable id x through bijections of 32-bit integers
# (h = x * 2654435761 mod 2^32, an odd multiplier), so they stay distinct per
# user. Each derived file also has a table bench_info(key, value): shape,
# users, id_bytes (the bytes of all distinct id texts) and the source file.
set -eu
cd "$(dirname "$0")/.."

SHAPES="favorable text-time email-time int-time text-random"

describe() {
    case $1 in
        favorable) echo "sample_enrollments as it comes: rows grouped by user, users in id order, integer ids 1..users" ;;
        text-time) echo "rows in enrollment-time order, user ids UUID-like text (36 chars)" ;;
        email-time) echo "rows in enrollment-time order, user ids e-mail-like text ('first.last<n>@domain')" ;;
        int-time) echo "rows in enrollment-time order, integer user ids not in row order (bijective hash)" ;;
        text-random) echo "rows in random order (fixed permutation), user ids UUID-like text (36 chars)" ;;
        *) return 1 ;;
    esac
}

case ${1:-} in
    --list) for s in $SHAPES; do echo "$s"; done; exit 0 ;;
    --describe) describe "${2:-}" || { echo "bench: unknown shape '${2:-}'" >&2; exit 1; }; exit 0 ;;
esac

[ $# -eq 3 ] || { echo "usage: sh bench/make_data.sh ROWS SHAPE EXT" >&2; exit 2; }
ROWS=$1 SHAPE=$2 EXT=$3
SQLITE3=${SQLITE3:-sqlite3}
CHUNK=${BENCH_CHUNK_USERS:-10000000}
SEED=1
DATA=bench/data
describe "$SHAPE" > /dev/null || {
    echo "bench: unknown shape '$SHAPE' (shapes: $SHAPES)" >&2; exit 2; }
EXT=${EXT%.so}; EXT=${EXT%.dylib}; EXT=${EXT%.dll}
USERS=$(( (ROWS * 10 + 7) / 14 ))
mkdir -p "$DATA"
FAV=$DATA/bench-$ROWS.db
if [ "$SHAPE" = favorable ]; then DB=$FAV; else DB=$DATA/bench-$ROWS-$SHAPE.db; fi
if [ -f "$DB" ]; then echo "$DB"; exit 0; fi

now() { date +%s%N; }
TMP=$DB.tmp.$$
trap 'rm -f "$TMP"' EXIT
trap 'exit 130' INT TERM HUP
t0=$(now)

# The id of favorable user x, as SQL over the column x.
H="((x * 2654435761) & 4294967295)"            # a bijection of 32-bit x
uuid_sql() {
    printf "printf('%%08x-%%04x-4%%03x-%%04x-%%012x', %s, (((x * 2246822519) >> 7) & 65535),\
 (((x * 3266489917) >> 11) & 4095), (32768 | (((x * 668265263) >> 5) & 16383)),\
 ((x * 25214903917) & 281474976710655))" "$H"
}
email_sql() {
    printf "printf('%%s.%%s%%d@%%s',\
 json_extract('[\"anna\",\"ben\",\"carla\",\"david\",\"emma\",\"felix\",\"grace\",\"hugo\",\"ines\",\"jonas\",\"kim\",\"lena\",\"marco\",\"nina\",\"oscar\",\"paula\",\"quinn\",\"rosa\",\"sam\",\"tara\",\"umar\",\"vera\",\"will\",\"xenia\",\"yusuf\",\"zoe\",\"aiko\",\"bruno\",\"chloe\",\"dmitri\",\"elif\",\"farid\"]', '\$[' || ((%s >> 3) & 31) || ']'),\
 json_extract('[\"smith\",\"garcia\",\"mueller\",\"rossi\",\"dubois\",\"novak\",\"kowalski\",\"jensen\",\"silva\",\"tanaka\",\"kim\",\"nguyen\",\"okafor\",\"haddad\",\"ivanova\",\"larsen\",\"murphy\",\"schmidt\",\"fischer\",\"weber\",\"moreau\",\"romero\",\"costa\",\"berg\",\"lindqvist\",\"horvat\",\"papadopoulos\",\"yilmaz\",\"cohen\",\"singh\",\"chen\",\"wright\"]', '\$[' || ((%s >> 11) & 31) || ']'),\
 x,\
 json_extract('[\"example.org\",\"mail.example.com\",\"corp.example.net\",\"uni.example.edu\"]', '\$[' || ((%s >> 19) & 3) || ']'))" "$H" "$H" "$H"
}

if [ "$SHAPE" = favorable ]; then
    desc="" left=$USERS i=0
    {
        printf '.load %s\nPRAGMA journal_mode = OFF;\nPRAGMA synchronous = OFF;\n' "$EXT"
        while [ "$left" -gt 0 ]; do
            n=$left
            [ "$n" -le "$CHUNK" ] || n=$CHUNK
            if [ "$i" -eq 0 ]; then
                echo "CREATE TABLE enrollments AS SELECT * FROM sample_enrollments($n, $SEED);"
            else
                echo "INSERT INTO enrollments SELECT user_id + $((i * CHUNK)), program," \
                     "enrolled_at, user_type, account FROM sample_enrollments($n, $((SEED + i)));"
            fi
            left=$((left - n)) i=$((i + 1))
        done
    } > "$TMP.sql"
    echo "bench: generating $DB: $USERS users from sample_enrollments (chunks of $CHUNK users, seeds $SEED..$((SEED + i - 1))) ..." >&2
    rm -f "$TMP"
    if ! "$SQLITE3" -bail "$TMP" < "$TMP.sql" > /dev/null; then
        rm -f "$TMP.sql"; echo "bench: generating $DB failed" >&2; exit 1
    fi
    rm -f "$TMP.sql"
else
    sh bench/make_data.sh "$ROWS" favorable "$EXT" > /dev/null
    case $SHAPE in
        text-time) id=$(uuid_sql) idtype=TEXT order="f.enrolled_at, f.rowid" ;;
        email-time) id=$(email_sql) idtype=TEXT order="f.enrolled_at, f.rowid" ;;
        int-time) id="((x * 2654435761) & 2147483647)" idtype=INTEGER order="f.enrolled_at, f.rowid" ;;
        text-random) id=$(uuid_sql) idtype=TEXT order="((f.rowid * 2654435761) & 4294967295)" ;;
    esac
    fid=$(echo "$id" | sed 's/\bx\b/f.user_id/g')
    gid=$(echo "$id" | sed 's/\bx\b/value/g')
    echo "bench: generating $DB ($SHAPE: $(describe "$SHAPE")) from $FAV ..." >&2
    rm -f "$TMP"
    "$SQLITE3" -bail "$TMP" > /dev/null <<EOF || { echo "bench: generating $DB failed" >&2; exit 1; }
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
ATTACH '$FAV' AS f;
CREATE TABLE enrollments(user_id $idtype, program TEXT, enrolled_at TEXT, user_type TEXT, account TEXT);
INSERT INTO enrollments
SELECT $fid, f.program, f.enrolled_at, f.user_type, f.account
FROM f.enrollments AS f
ORDER BY $order;
CREATE TABLE bench_info(key TEXT PRIMARY KEY, value);
INSERT INTO bench_info VALUES ('shape', '$SHAPE'), ('source', '$FAV'),
    ('users', (SELECT max(user_id) FROM f.enrollments));
INSERT INTO bench_info
SELECT 'id_bytes', sum(length($gid)) FROM generate_series(1, (SELECT value FROM bench_info WHERE key = 'users'));
EOF
fi
mv "$TMP" "$DB"
echo "bench: $DB made in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s" >&2
echo "$DB"
