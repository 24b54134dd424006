/*
** tvf_sample.c - sample_enrollments: deterministic demo data.
**
** The table-valued function sample_enrollments (on the frame of lp_tvf.c,
** innocuous: it reads nothing) streams rows shaped like an
** eLearning platform's enrollment export, so the other learnpath functions
** have something realistic to analyse:
**
**   CREATE TABLE enrollments AS SELECT * FROM sample_enrollments(20000, 42);
**   SELECT * FROM first_program('enrollments');
**
** Columns, in order:
**   user_id     INTEGER  1..users, ascending
**   program     TEXT     'Flagship', 'Program A' .. 'Program E'
**   enrolled_at TEXT     'YYYY-MM-DD HH:MM:SS', 2019-11-01 00:00:00 to
**                        2022-06-30 23:59:59
**   user_type   TEXT     'student' or 'professional'
**   account     TEXT     'Corp 001' .. 'Corp 300' for most professionals,
**                        NULL for students and for some professionals
**   users       HIDDEN   argument 1, required: integer 0..10000000
**   seed        HIDDEN   argument 2, optional: any 64-bit integer, default 42
**
** How the data is generated. Every user draws from a private splitmix64
** stream seeded from (seed, user number) alone, so rows are produced user by
** user with O(1) memory, and user u's rows do not depend on how many users
** were asked for. Only integer arithmetic is used, so the same (users, seed)
** gives byte-identical rows everywhere. Per user:
**   - user_type: student with probability 55%, otherwise professional.
**   - account (professionals only): none with probability 10%; otherwise one
**     of 300 accounts with Zipf-like weights 1/(rank+4)^1.5 (integer square
**     roots), so a few accounts are large (the largest has several hundred
**     users at 20,000 users) and there is a long tail of accounts with 1-5
**     users. Ranks are mapped to account numbers by a fixed permutation.
**   - first enrollment: a day in 2019-11-01..2022-06-30 drawn with density
**     growing over time (half uniform, half the later of two uniform days),
**     at a uniformly random second of the day.
**   - first program: students Program A 60%, Flagship 25%, B-E 15% (shared);
**     professionals Flagship 60%, Program A 25%, B-E 15%.
**   - further programs: after the k-th program the user continues with
**     probability 32%, 25%, 20%, 15%, 10% (k = 1..5); a user takes at most
**     the six programs. The next program is drawn from weights that depend
**     on the user type and the current program (students: A -> Flagship
**     78%; professionals: Flagship -> A 50%), never a program already taken.
**     The gap is 1 + min(two uniform draws in 0..119) days with probability
**     85%, else 121..365 days; each enrollment gets a fresh time of day.
**     An enrollment that would fall after 2022-06-30 is dropped together
**     with everything after it.
**   - tie: with probability 1%, one of the user's enrollments is joined by
**     an enrollment in another (not otherwise taken) program at the exact
**     same instant.
**   - repeat: with probability 2.5%, the user enrolls again in one of the
**     programs already taken, a gap after the last enrollment (dropped if
**     that falls after 2022-06-30, so about 2% of users end up with one).
**
** Rules (sample_enrollments rule N, cited by the tests):
**   1. Same (users, seed) -> the same rows, byte for byte, on every machine.
**   2. Rows are ordered by user_id, then enrolled_at; every user 1..users
**      has at least one row. A user's user_type and account never change.
**   3. users must be an INTEGER (or text that sqlite3_value_numeric_type
**      reads as one) from 0 to 10000000; seed any 64-bit integer. NULL,
**      reals, other text, blobs and out-of-range values are errors that
**      name the argument and the accepted range. A missing users argument
**      is an error; a missing seed means 42.
**   4. The hidden columns users and seed show the effective arguments.
**   5. Constraints on the output columns are left to SQLite.
*/
#include <string.h>

#include "lp_sql.h"

#define SMP_MAX_USERS 10000000
#define SMP_DEFAULT_SEED 42
#define SMP_N_PROGRAM 6
#define SMP_N_ACCOUNT 300
/* At most six programs, one tie and one repeat per user. */
#define SMP_MAX_ROW (SMP_N_PROGRAM + 2)

/* Day 0 is 2019-11-01; SMP_LAST_DAY is 2022-06-30. */
#define SMP_FIRST_YEAR 2019
#define SMP_FIRST_MONTH 11
#define SMP_N_DAY 973
#define SMP_LAST_DAY (SMP_N_DAY - 1)

/* Column numbers of the declared table. */
enum {
    SMP_COL_USER_ID = 0,
    SMP_COL_PROGRAM,
    SMP_COL_ENROLLED_AT,
    SMP_COL_USER_TYPE,
    SMP_COL_ACCOUNT
};

/* The arguments (hidden columns): users, then seed. */
enum { SMP_ARG_USERS, SMP_ARG_SEED };

static const char *const smp_azProgram[SMP_N_PROGRAM] = {
    "Flagship", "Program A", "Program B", "Program C", "Program D", "Program E"
};
#define SMP_FLAGSHIP 0
#define SMP_PROGRAM_A 1

/* First program, per mille, by user type (0 student, 1 professional). */
static const unsigned short smp_aFirst[2][SMP_N_PROGRAM] = {
    { 250, 600, 38, 38, 37, 37 },
    { 600, 250, 38, 38, 37, 37 }
};

/*
** Next program: weights by user type, then current program (0 Flagship,
** 1 Program A, 2 any of B-E). Programs already taken get weight 0.
*/
static const unsigned short smp_aNext[2][3][SMP_N_PROGRAM] = {
    {   /* student */
        {  0, 40, 15, 15, 15, 15 },
        { 78,  0,  6,  6,  5,  5 },
        { 35, 25, 10, 10, 10, 10 }
    },
    {   /* professional */
        {  0, 50, 13, 13, 12, 12 },
        { 55,  0, 12, 11, 11, 11 },
        { 40, 20, 10, 10, 10, 10 }
    }
};

/* Chance (per mille) of continuing after the k-th program, k = 1..5. */
static const unsigned short smp_aContinue[SMP_N_PROGRAM - 1] = {
    320, 250, 200, 150, 100
};

#define SMP_STUDENT_PERMILLE 550
#define SMP_NO_ACCOUNT_PERMILLE 100
#define SMP_TIE_PERMILLE 10
#define SMP_REPEAT_PERMILLE 25

/* ----------------------------------------------------------------- PRNG */

#define SMP_GOLDEN UINT64_C(0x9E3779B97F4A7C15)

/* The splitmix64 finaliser: a bijective scramble of 64 bits. */
static uint64_t smp_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Next 64 random bits of the stream *pState (splitmix64). */
static uint64_t smp_next(uint64_t *pState) {
    *pState += SMP_GOLDEN;
    return smp_mix(*pState);
}

/* A uniform integer in 0..n-1 (n >= 1), by multiply-shift on 32 bits. */
static uint32_t smp_below(uint64_t *pState, uint32_t n) {
    uint64_t r = smp_next(pState) >> 32;
    return (uint32_t)((r * n) >> 32);
}

/* Pick an index of a[0..n-1] with probability a[i]/sum(a); sum must be > 0. */
static int smp_pick(uint64_t *pState, const uint32_t *a, int n, uint32_t sum) {
    uint32_t r = smp_below(pState, sum);
    int i;
    for (i = 0; i < n - 1; i++) {
        if (r < a[i]) break;
        r -= a[i];
    }
    return i;
}

/* floor(sqrt(n)) for n < 2^63, integer Newton iteration. */
static uint64_t smp_isqrt(uint64_t n) {
    uint64_t x, y;
    if (n < 2) return n;
    x = n;
    y = (x + 1) / 2;
    while (y < x) {
        x = y;
        y = (x + n / x) / 2;
    }
    return x;
}

/* ------------------------------------------------------------- calendar */

static int smp_month_days(int y, int m) {
    static const unsigned char aDays[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };
    if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return 29;
    return aDays[m - 1];
}

static void smp_put2(char *z, int v) {
    z[0] = (char)('0' + v / 10);
    z[1] = (char)('0' + v % 10);
}

/* Write day number iDay (0 = 2019-11-01) at second iSec of the day as
** "YYYY-MM-DD HH:MM:SS" into z (20 bytes, NUL-terminated). */
static void smp_format_time(int iDay, int iSec, char *z) {
    int y = SMP_FIRST_YEAR, m = SMP_FIRST_MONTH, d = iDay, n;
    while (d >= (n = smp_month_days(y, m))) {
        d -= n;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    smp_put2(z, y / 100);
    smp_put2(z + 2, y % 100);
    z[4] = '-';
    smp_put2(z + 5, m);
    z[7] = '-';
    smp_put2(z + 8, d + 1);
    z[10] = ' ';
    smp_put2(z + 11, iSec / 3600);
    z[13] = ':';
    smp_put2(z + 14, iSec / 60 % 60);
    z[16] = ':';
    smp_put2(z + 17, iSec % 60);
    z[19] = 0;
}

/* ------------------------------------------------------------ the vtab */

/* One generated enrollment. */
typedef struct smp_row {
    int iProgram; /* index in smp_azProgram */
    int iDay;     /* days since 2019-11-01 */
    int iSec;     /* second of the day */
} smp_row;

typedef struct smp_cursor {
    lp_tvf_cursor tvf;
    uint32_t aAccountW[SMP_N_ACCOUNT]; /* Zipf-like weight of each rank */
    uint32_t nAccountW;                /* their sum */
    sqlite3_int64 nUsers;  /* effective users argument */
    sqlite3_int64 iSeed;   /* effective seed argument */
    uint64_t seedMix;      /* scrambled seed */
    sqlite3_int64 iUser;   /* current user, 1-based; > nUsers at EOF */
    int isStudent;
    int iAccount;          /* account number 1..300, or 0 for none */
    int nRow;              /* rows of the current user */
    int iRow;              /* current row among them */
    smp_row aRow[SMP_MAX_ROW];
} smp_cursor;

/* Weight of account rank r (0-based): 2^28 / (r + 5)^1.5, all in integers. */
static void smp_weights(smp_cursor *pCur) {
    uint32_t sum = 0;
    for (int i = 0; i < SMP_N_ACCOUNT; i++) {
        uint64_t k = (uint64_t)i + 5;
        uint32_t w = (uint32_t)smp_isqrt((UINT64_C(1) << 56) / (k * k * k));
        pCur->aAccountW[i] = w;
        sum += w;
    }
    pCur->nAccountW = sum;
}

/* Days between two consecutive enrollments: mostly short, some months. */
static int smp_gap_days(uint64_t *pState) {
    if (smp_below(pState, 100) < 85) {
        uint32_t a = smp_below(pState, 120), b = smp_below(pState, 120);
        return 1 + (int)(a < b ? a : b);
    }
    return 121 + (int)smp_below(pState, 245);
}

/*
** Generate the rows of user pCur->iUser into pCur->aRow.
** Long: one private stream of draws, taken in the order the header comment
** lists (type, account, first enrollment, programs, tie, repeat); the
** order of the draws is what makes rule 1's bytes, so it reads top down.
*/
static void smp_generate_user(smp_cursor *pCur) {
    uint64_t s = smp_mix(pCur->seedMix ^ ((uint64_t)pCur->iUser * UINT64_C(0xD1B54A32D192ED03)));
    uint32_t aW[SMP_N_PROGRAM], sum;
    int type, cur, day, k, i, nStep, taken = 0;
    smp_row aStep[SMP_N_PROGRAM];

    pCur->isStudent = smp_below(&s, 1000) < SMP_STUDENT_PERMILLE;
    type = pCur->isStudent ? 0 : 1;
    pCur->iAccount = 0;
    if (!pCur->isStudent && smp_below(&s, 1000) >= SMP_NO_ACCOUNT_PERMILLE) {
        int rank = smp_pick(&s, pCur->aAccountW, SMP_N_ACCOUNT, pCur->nAccountW);
        pCur->iAccount = (rank * 137 + 41) % SMP_N_ACCOUNT + 1;
    }

    /* First enrollment: growth over time. */
    if (smp_below(&s, 2)) {
        day = (int)smp_below(&s, SMP_N_DAY);
    } else {
        int a = (int)smp_below(&s, SMP_N_DAY), b = (int)smp_below(&s, SMP_N_DAY);
        day = a > b ? a : b;
    }
    for (i = 0; i < SMP_N_PROGRAM; i++) aW[i] = smp_aFirst[type][i];
    cur = smp_pick(&s, aW, SMP_N_PROGRAM, 1000);
    aStep[0].iProgram = cur;
    aStep[0].iDay = day;
    aStep[0].iSec = (int)smp_below(&s, 86400);
    taken = 1 << cur;
    nStep = 1;

    /* Further programs, never one already taken; stop at the end date. */
    while (nStep < SMP_N_PROGRAM && smp_below(&s, 1000) < smp_aContinue[nStep - 1]) {
        const unsigned short *aNext = smp_aNext[type][cur < 2 ? cur : 2];
        sum = 0;
        for (i = 0; i < SMP_N_PROGRAM; i++) {
            aW[i] = (taken & (1 << i)) ? 0 : aNext[i];
            sum += aW[i];
        }
        if (sum == 0) break;
        cur = smp_pick(&s, aW, SMP_N_PROGRAM, sum);
        day += smp_gap_days(&s);
        if (day > SMP_LAST_DAY) break;
        aStep[nStep].iProgram = cur;
        aStep[nStep].iDay = day;
        aStep[nStep].iSec = (int)smp_below(&s, 86400);
        taken |= 1 << cur;
        nStep++;
    }

    /* Copy the steps out, inserting a tie after one of them. */
    k = -1;
    if (smp_below(&s, 1000) < SMP_TIE_PERMILLE && nStep < SMP_N_PROGRAM) {
        k = (int)smp_below(&s, (uint32_t)nStep);
    }
    pCur->nRow = 0;
    for (i = 0; i < nStep; i++) {
        pCur->aRow[pCur->nRow++] = aStep[i];
        if (i == k) {
            int nFree = SMP_N_PROGRAM - nStep, j, pick;
            pick = (int)smp_below(&s, (uint32_t)nFree);
            for (j = 0; j < SMP_N_PROGRAM; j++) {
                if (taken & (1 << j)) continue;
                if (pick-- == 0) break;
            }
            pCur->aRow[pCur->nRow] = aStep[i];
            pCur->aRow[pCur->nRow].iProgram = j;
            pCur->nRow++;
        }
    }

    /* A repeat of a program already taken, after the last enrollment. */
    if (smp_below(&s, 1000) < SMP_REPEAT_PERMILLE) {
        smp_row *pLast = &pCur->aRow[pCur->nRow - 1];
        int iProg = aStep[smp_below(&s, (uint32_t)nStep)].iProgram;
        int rday = pLast->iDay + smp_gap_days(&s);
        if (rday <= SMP_LAST_DAY) {
            smp_row *pNew = &pCur->aRow[pCur->nRow++];
            pNew->iProgram = iProg;
            pNew->iDay = rday;
            pNew->iSec = (int)smp_below(&s, 86400);
        }
    }
    pCur->iRow = 0;
}

static int smpNext(lp_tvf_cursor *pBase, char **pzErr) {
    smp_cursor *pCur = (smp_cursor *)pBase;
    (void)pzErr;
    if (++pCur->iRow >= pCur->nRow) {
        pCur->iUser++;
        pCur->iRow = 0;
        pCur->nRow = 0;
        if (pCur->iUser <= pCur->nUsers) smp_generate_user(pCur);
    }
    return SQLITE_OK;
}

static int smpEof(lp_tvf_cursor *pBase) {
    smp_cursor *pCur = (smp_cursor *)pBase;
    return pCur->iUser > pCur->nUsers;
}

static int smpColumn(lp_tvf_cursor *pBase, sqlite3_context *ctx, int iCol) {
    smp_cursor *pCur = (smp_cursor *)pBase;
    const smp_row *pRow = &pCur->aRow[pCur->iRow];
    char zBuf[24];
    switch (iCol) {
        case SMP_COL_USER_ID:
            sqlite3_result_int64(ctx, pCur->iUser);
            break;
        case SMP_COL_PROGRAM:
            sqlite3_result_text(ctx, smp_azProgram[pRow->iProgram], -1, SQLITE_STATIC);
            break;
        case SMP_COL_ENROLLED_AT:
            smp_format_time(pRow->iDay, pRow->iSec, zBuf);
            sqlite3_result_text(ctx, zBuf, 19, SQLITE_TRANSIENT);
            break;
        case SMP_COL_USER_TYPE:
            sqlite3_result_text(ctx, pCur->isStudent ? "student" : "professional", -1,
                                SQLITE_STATIC);
            break;
        default: /* SMP_COL_ACCOUNT */
            if (pCur->iAccount != 0) {
                memcpy(zBuf, "Corp ", 5);
                zBuf[5] = (char)('0' + pCur->iAccount / 100);
                smp_put2(zBuf + 6, pCur->iAccount % 100);
                sqlite3_result_text(ctx, zBuf, 8, SQLITE_TRANSIENT);
            }
            break;
    }
    return SQLITE_OK;
}

/* The arguments are checked by the frame (rule 3); start at user 1. */
static int smpFilter(lp_tvf_cursor *pBase, int idxNum, char **pzErr) {
    smp_cursor *pCur = (smp_cursor *)pBase;
    (void)idxNum;
    (void)pzErr;
    smp_weights(pCur);
    pCur->nUsers = pBase->aVal[SMP_ARG_USERS].i;
    pCur->iSeed = pBase->aVal[SMP_ARG_SEED].i;
    pCur->iUser = 1;
    pCur->nRow = 0;
    pCur->iRow = 0;
    pCur->seedMix = smp_mix((uint64_t)pCur->iSeed + SMP_GOLDEN);
    if (pCur->nUsers > 0) smp_generate_user(pCur);
    return SQLITE_OK;
}

static void smpReset(lp_tvf_cursor *pBase) {
    smp_cursor *pCur = (smp_cursor *)pBase;
    pCur->nUsers = 0;
    pCur->iUser = 1;
    pCur->nRow = pCur->iRow = 0;
}

/* Output is in user_id, enrolled_at order, so such an ORDER BY is consumed. */
static int smpOrderBy(const lp_tvf_vtab *pTab, sqlite3_index_info *pInfo) {
    int n = pInfo->nOrderBy;
    (void)pTab;
    if (n >= 1 && n <= 2) {
        int ok = 1;
        for (int i = 0; i < n; i++) {
            const struct sqlite3_index_orderby *pO = &pInfo->aOrderBy[i];
            if (pO->desc || pO->iColumn != (i == 0 ? SMP_COL_USER_ID : SMP_COL_ENROLLED_AT)) {
                ok = 0;
            }
        }
        pInfo->orderByConsumed = ok;
    }
    return 0;
}

static const lp_arg smp_aArg[] = {
    {"users", LP_ARG_INT, 1, NULL, NULL, 0, SMP_MAX_USERS, 0},
    {"seed", LP_ARG_INT, 0, NULL, NULL, INT64_MIN, INT64_MAX, SMP_DEFAULT_SEED},
};

const lp_tvf learnpath_tvf_sample_enrollments = {
    "sample_enrollments",
    "user_id INTEGER, program TEXT, enrolled_at TEXT, user_type TEXT, account TEXT",
    5, smp_aArg, 2, LP_TVF_INNOCUOUS, 100000.0, 100000, sizeof(smp_cursor), smpOrderBy,
    smpFilter, smpNext, smpEof, smpColumn, smpReset, NULL, NULL,
};
