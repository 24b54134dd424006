/*
** lp_users.c - a source's users, one at a time, in user_id order.
**
** In memory through the cache (lp_cache.c), unless holding the source would
** pass the memory budget (learnpath_memory_budget, or half of what SQLite's
** hard heap limit leaves, whichever is smaller); then the rows stream in
** user order from SQLite's sorter (lp_stream.c), slower but in little
** memory, with the same answers. Streaming, the names a function keeps
** count against the budget too (lp_read.h, "THE MEMORY BUDGET"): all of
** the source's, checked after each user, or only the current user's.
*/
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "lp_read.h"

/* The users' groups (rule 12): their heap, and freeing them. */
static int64_t usersGroupBytes(const lp_users *pIt) {
    return pIt->aGroup ? (int64_t)pIt->nGroupPos * (int64_t)sizeof(uint32_t) +
                             learnpath_strtab_bytes(&pIt->groups) +
                             (int64_t)pIt->groups.n * LP_NAME_EXTRA
                       : 0;
}

static void usersFreeGroups(lp_users *pIt) {
    if (!pIt->isGroupBorrowed) sqlite3_free(pIt->aGroup);
    pIt->aGroup = NULL;
    pIt->isGroupBorrowed = 0;
    pIt->nGroupPos = 0;
    learnpath_strtab_free(&pIt->groups);
    memset(&pIt->groups, 0, sizeof(pIt->groups));
    pIt->isGroupFilter = 0;
}

/* Streaming: the names kept whole must fit what the function may hold. */
static int usersCheckNames(lp_users *pIt, char **pzErr) {
    if (pIt->pStream == NULL || pIt->nBudget == 0) return SQLITE_OK;
    if (learnpath_users_held(pIt) <= learnpath_users_limit(pIt)) return SQLITE_OK;
    return learnpath_users_budget_error(pIt, 0, 0, pzErr);
}

/*
** Rule 12: each user's group, with group_value or for group_stats. The
** source is read with group_col as its segment column (a read of its own,
** cached as any), and a user's group is the first non-empty value in rule
** 4's order, as rule 6 picks the segment: the first enrollment with one,
** the user's rows lying sorted by time, program name and segment name. The
** answer is the group's number (its name copied into pOut->groups) per position
** in user_id order, which every read of the same source and columns shares
** (rule 1 keeps the same users, whatever the segment column): so the users
** read next, in memory or streamed, are told apart by their positions.
** The group read is closed before the read it serves opens; the numbers
** and the names count against the memory budget (learnpath_users_held).
*/
static int usersGroups(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p, lp_users *pOut,
                       char **pzErr) {
    lp_source_spec g = *p;
    lp_users it;
    int64_t nAlloc = 0;
    uint32_t n = 0;
    int rc;
    if (p->zGroupCol == NULL) return SQLITE_OK; /* no group column: no user has a group */
    g.zSegmentCol = p->zGroupCol;
    g.zGroupCol = g.zGroupValue = NULL;
    g.wantGroups = 0;
    g.isGroupRead = 1;
    g.anyOrder = 0;
    rc = learnpath_users_open(db, pConn, &g, &it, pzErr);
    if (rc == SQLITE_OK) learnpath_users_local_names(&it);
    for (; rc == SQLITE_OK && !it.eof; rc = learnpath_users_next(&it, pzErr)) {
        const lp_data *pD = it.pData;
        uint32_t seg = LP_NONE, id = LP_NONE;
        for (uint32_t i = pD->aFirst[it.u]; pD->aSeg && i < pD->aFirst[it.u + 1] && seg == LP_NONE; i++) {
            seg = pD->aSeg[i];
        }
        if (seg != LP_NONE) {
            rc = learnpath_strtab_intern(&pOut->groups, LP_STR(&pD->segments, seg),
                                         LP_STRLEN(&pD->segments, seg), &id);
        }
        if (rc == SQLITE_OK) rc = learnpath_grow((void **)&pOut->aGroup, &nAlloc, (int64_t)n + 1,
                                                 sizeof(uint32_t), 1024);
        if (rc) break;
        pOut->aGroup[n++] = id;
    }
    learnpath_users_close(&it);
    pOut->nGroupPos = n;
    return rc;
}

/* group_value (rule 12): keep only its group's users, once pIt knows the
** groups' names (LP_NONE: no user has that group). */
static void usersFilterGroup(lp_users *pIt, const lp_source_spec *p) {
    uint32_t id;
    pIt->isGroupFilter = p->zGroupValue != NULL;
    pIt->iGroupKeep = LP_NONE;
    if (p->zGroupValue && learnpath_strtab_find(&pIt->groups, p->zGroupValue, p->nGroupValue, &id)) {
        pIt->iGroupKeep = id;
    }
}

/* Before a read: each user's group, when asked (pGroups is then kept). */
static int usersGroupsFirst(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p,
                            lp_users *pGroups, char **pzErr) {
    int rc;
    memset(pGroups, 0, sizeof(*pGroups));
    if (p->zGroupValue == NULL && !p->wantGroups) return SQLITE_OK;
    rc = usersGroups(db, pConn, p, pGroups, pzErr);
    if (rc == SQLITE_OK && pGroups->aGroup == NULL) {
        /* no user has a group: every position says so */
        pGroups->aGroup = sqlite3_malloc(sizeof(uint32_t));
        if (!pGroups->aGroup) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) usersFilterGroup(pGroups, p);
    if (rc) usersFreeGroups(pGroups);
    return rc;
}

/* After the read opened: pIt takes the groups of pGroups (or, on error, frees them). */
static int usersKeepGroups(lp_users *pIt, int rc, lp_users *pGroups) {
    if (rc) {
        usersFreeGroups(pGroups);
        return rc;
    }
    pIt->aGroup = pGroups->aGroup;
    pIt->nGroupPos = pGroups->nGroupPos;
    pIt->groups = pGroups->groups;
    pIt->isGroupFilter = pGroups->isGroupFilter;
    pIt->iGroupKeep = pGroups->iGroupKeep;
    return SQLITE_OK;
}

/* The stream, without group_value's users (the callers add them). */
static int usersOpenStream(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p, lp_users *pIt,
                           char **pzErr) {
    lp_source_spec spec = *p;
    int rc;
    spec.nBudget = 0;
    spec.nThreads = pConn->nThreads;
    spec.readGroup = 0; /* streamed, groups are read apart (usersGroupsFirst) */
    rc = learnpath_stream_open(db, &spec, pIt, pzErr);
    pIt->nBudget = pConn->nMemoryBudget;
    pIt->nThreads = pConn->nThreads;
    return rc;
}

static int usersOpen(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p, lp_users *pIt,
                     int64_t nGroupByte, char **pzErr) {
    lp_source_spec spec = *p;
    int rc;
    memset(pIt, 0, sizeof(*pIt));
    pIt->nThreads = pConn->nThreads;
    spec.nBudget = learnpath_heap_budget(pConn->nMemoryBudget); /* and the hard heap limit */
    if (spec.nBudget && nGroupByte) {
        /* the group's users (rule 12) take their part of the budget */
        spec.nBudget = spec.nBudget > nGroupByte ? spec.nBudget - nGroupByte : 1;
    }
    spec.nThreads = pConn->nThreads;
    /* under a budget a read is laid out once, in user_id order; with
    ** groups read apart always (users are told by their positions), not
    ** with groups read with the rest (each user's is kept with it) */
    spec.anyOrder = p->anyOrder && spec.nBudget == 0 &&
                    (p->readGroup || (p->zGroupValue == NULL && !p->wantGroups));
    rc = learnpath_cache_get(db, pConn, &spec, &pIt->pData, pzErr);
    if (rc == LP_RC_OVER_BUDGET) return usersOpenStream(db, pConn, p, pIt, pzErr);
    pIt->nBudget = pConn->nMemoryBudget;
    if (rc) return rc;
    if (pIt->pData->nUser == 0) {
        pIt->eof = 1;
    } else {
        pIt->u = LP_USER_AT(pIt->pData, 0);
    }
    return SQLITE_OK;
}

/*
** Rule 12 in the same read as the rest (readGroup), when the source is held
** in memory with no budget: the read keeps each user's group
** (lp_data.aUserGroup, shared through the cache like the rest), which pIt
** borrows; the names are copied (in the same order, so the numbers agree).
** Users are then told their groups by their numbers, in whatever order the
** data holds them, so a caller that needs no order (an aggregate) still
** reads none (learnpath_data_order moves the groups with the users).
** Under a budget usersGroupsFirst reads the groups apart instead, so that
** the read they serve can still stream.
*/
static int usersOpenWithGroups(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p, lp_users *pIt,
                               char **pzErr) {
    lp_source_spec spec = *p;
    const lp_data *pD;
    int rc;
    spec.readGroup = 1;
    rc = usersOpen(db, pConn, &spec, pIt, 0, pzErr);
    if (rc) return rc;
    pD = pIt->pData;
    if (pD->aUserGroup) {
        pIt->aGroup = pD->aUserGroup;
        pIt->nGroupPos = pD->nUser;
        pIt->isGroupBorrowed = 1;
    } else {
        /* no row read: no user, no group */
        pIt->aGroup = sqlite3_malloc(sizeof(uint32_t));
        if (!pIt->aGroup) rc = SQLITE_NOMEM;
    }
    for (uint32_t i = 0; rc == SQLITE_OK && i < pD->groupNames.n; i++) {
        uint32_t id;
        rc = learnpath_strtab_intern(&pIt->groups, LP_STR(&pD->groupNames, i),
                                     LP_STRLEN(&pD->groupNames, i), &id);
    }
    if (rc == SQLITE_OK) usersFilterGroup(pIt, p);
    if (rc) learnpath_users_close(pIt);
    return rc;
}

/* Are the groups read with the rest (usersOpenWithGroups)? */
static int usersGroupsInRead(const lp_conn *pConn, const lp_source_spec *p) {
    /* (a group read itself, usersGroups, names no group column) */
    return p->zGroupCol && (p->zGroupValue || p->wantGroups) &&
           learnpath_heap_budget(pConn->nMemoryBudget) == 0;
}

int learnpath_users_open(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p, lp_users *pIt,
                         char **pzErr) {
    lp_users groups;
    if (usersGroupsInRead(pConn, p)) return usersOpenWithGroups(db, pConn, p, pIt, pzErr);
    int rc = usersGroupsFirst(db, pConn, p, &groups, pzErr);
    if (rc) {
        memset(pIt, 0, sizeof(*pIt));
        return rc;
    }
    rc = usersOpen(db, pConn, p, pIt, usersGroupBytes(&groups), pzErr);
    rc = usersKeepGroups(pIt, rc, &groups);
    return rc ? rc : usersCheckNames(pIt, pzErr);
}

int learnpath_users_open_stream(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p,
                                lp_users *pIt, char **pzErr) {
    lp_users groups;
    int rc = usersGroupsFirst(db, pConn, p, &groups, pzErr);
    if (rc) {
        memset(pIt, 0, sizeof(*pIt));
        return rc;
    }
    rc = usersOpenStream(db, pConn, p, pIt, pzErr);
    rc = usersKeepGroups(pIt, rc, &groups);
    return rc ? rc : usersCheckNames(pIt, pzErr);
}

/* Callers step only while !pIt->eof. */
int learnpath_users_next(lp_users *pIt, char **pzErr) {
    if (pIt->pStream) {
        int rc;
        if (pIt->isLocalNames) learnpath_stream_forget_names(pIt);
        rc = learnpath_stream_next(pIt, pzErr);
        if (rc == SQLITE_OK && !pIt->eof) pIt->iStreamPos++;
        return rc ? rc : usersCheckNames(pIt, pzErr);
    }
    if (++pIt->iPos >= pIt->pData->nUser) {
        pIt->eof = 1;
    } else {
        pIt->u = LP_USER_AT(pIt->pData, pIt->iPos);
    }
    return SQLITE_OK;
}

void learnpath_users_close(lp_users *pIt) {
    usersFreeGroups(pIt);
    if (pIt->pStream) {
        learnpath_stream_close(pIt);
    } else {
        learnpath_data_unref(pIt->pData);
        memset(pIt, 0, sizeof(*pIt));
    }
}


/* ------------------------------------------------------- finding users */

/*
** user_id = x without a scan (the per-user functions' plans, lp_sql.h).
** The users are numbered in user_id order, so a binary search finds x. But
** SQL's '=' is not always "the same value as stored". The functions'
** user_id column has no affinity, and SQLite compares it with x as stored
** (rule 3: 42 = 42.0, 42 <> '42'), unless x has INTEGER, REAL or NUMERIC
** affinity (a column so declared, a CAST): then text that reads as a
** number is that number, on both sides, so the id '42' (or '042', ' 42',
** '4.2e1') equals 42. (TEXT affinity never applies: SQLite uses no
** affinity between a column without one and anything with TEXT's.)
** xBestIndex is not told x's affinity, so a lookup returns every user x
** could equal either way, and SQLite, left to make the test (omit = 0),
** keeps exactly the right ones:
**   - a number N: the numbers within a hair of N, and the text ids that
**     read as a number within a hair of N (lp_num_text);
**   - text T: the text id T; and if T reads as a number N (as SQLite
**     reads it: x of numeric affinity that kept text, say from a virtual
**     table), what N finds;
**   - a blob: the blob id (no affinity converts a blob).
** A hair is a billionth of N (and 1e-300): far above the error of reading
** a number, and it only adds users SQLite then turns away.
*/

/* A text id that reads as a number: the number, and the id's position. */
typedef struct users_num {
    double r;
    uint32_t iPos;
} users_num;

/* The text ids that read as numbers, sorted by value (lp_data.pNumText). */
struct lp_num_text {
    uint32_t n;
    users_num a[];
};

/* What is looked for: a number, or bytes of text or a blob. */
typedef struct users_probe {
    int eClass; /* 1 number, 2 text, 3 blob: SQL's order of the classes */
    double r;
    const char *z;
    int n;
} users_probe;

static int usersClass(const lp_key *k) {
    return k->eType == SQLITE_INTEGER || k->eType == SQLITE_FLOAT ? 1
           : k->eType == SQLITE_TEXT                              ? 2
                                                                  : 3;
}

static double usersNumber(const lp_key *k) {
    return k->eType == SQLITE_INTEGER || k->isIntegral ? (double)k->v.i : k->v.r;
}

/*
** The key at position iPos against the probe. Numbers compare as doubles:
** not exact for integers past 2^53, but monotone in user_id order, which
** is all a search for a range needs.
*/
static int usersCmp(const lp_data *pD, uint32_t iPos, const users_probe *p) {
    const lp_key *k = &pD->aKey[LP_USER_AT(pD, iPos)];
    int c = usersClass(k);
    if (c != p->eClass) return c - p->eClass;
    if (c == 1) {
        double x = usersNumber(k);
        return (x > p->r) - (x < p->r);
    }
    return learnpath_bytes_cmp(pD->aKeyByte + k->v.off, k->n, p->z, p->n);
}

/* The first position whose key is not below the probe. */
static uint32_t usersLowerBound(const lp_data *pD, const users_probe *p) {
    uint32_t lo = 0, hi = pD->nUser;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (usersCmp(pD, mid, p) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int usersAppend(lp_pos_list *pList, uint32_t iPos) {
    if (pList->n >= pList->nAlloc &&
        learnpath_grow((void **)&pList->a, &pList->nAlloc, pList->n + 1, sizeof(uint32_t), 8)) {
        return SQLITE_NOMEM;
    }
    pList->a[pList->n++] = iPos;
    return SQLITE_OK;
}

/* [*pLo, *pHi]: the numbers within a hair of r (see above). */
static void usersHair(double r, double *pLo, double *pHi) {
    double d = (r < 0 ? -r : r) * 1e-9 + 1e-300;
    if (r > DBL_MAX || r < -DBL_MAX) d = 0; /* infinite */
    *pLo = r - d;
    *pHi = r + d;
}

/* The numeric ids in [lo, hi]. */
static int usersFindNumbers(const lp_data *pD, double lo, double hi, lp_pos_list *pList) {
    users_probe p = {1, lo, NULL, 0};
    int rc = SQLITE_OK;
    for (uint32_t i = usersLowerBound(pD, &p); i < pD->nUser && rc == SQLITE_OK; i++) {
        const lp_key *k = &pD->aKey[LP_USER_AT(pD, i)];
        if (usersClass(k) != 1 || usersNumber(k) > hi) break;
        rc = usersAppend(pList, i);
    }
    return rc;
}

/* The text or blob id (eClass 2 or 3) whose bytes are pVal's. */
static int usersFindBytes(const lp_data *pD, sqlite3_value *pVal, int eClass, lp_pos_list *pList) {
    const char *z = eClass == 2 ? (const char *)sqlite3_value_text(pVal)
                                : (const char *)sqlite3_value_blob(pVal);
    users_probe p = {eClass, 0.0, z, sqlite3_value_bytes(pVal)};
    uint32_t i;
    if (z == NULL) return p.n > 0 || eClass == 2 ? SQLITE_NOMEM : SQLITE_OK;
    i = usersLowerBound(pD, &p);
    return i < pD->nUser && usersCmp(pD, i, &p) == 0 ? usersAppend(pList, i) : SQLITE_OK;
}

static int usersIsSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* x * 10^e, to a few units in the last place. */
static double usersScale(double x, int e) {
    double f = 10.0, s = 1.0;
    int a = e < 0 ? -e : e;
    if (a > 800) a = 800; /* the result is 0 or infinite by then */
    for (; a; a >>= 1, f *= f) {
        if (a & 1) s *= f;
    }
    return e < 0 ? x / s : x * s;
}

/*
** Does text z[0..n) read as a number when SQLite gives it numeric affinity
** (sqlite3AtoF: spaces around, a sign, digits with one '.', an exponent)?
** Then *pR is its value, within 1e-14 or so. Accepting more than SQLite
** would is harmless (SQLite tests each user found); accepting less is not.
*/
static int usersReadNumber(const char *z, int n, double *pR) {
    uint64_t m = 0;
    int i = 0, nDigit = 0, mExp = 0, e = 0, isNeg = 0, isExpNeg = 0;
    while (i < n && usersIsSpace(z[i])) i++;
    if (i < n && (z[i] == '+' || z[i] == '-')) isNeg = z[i++] == '-';
    for (int isFrac = 0; i < n; i++) {
        if (z[i] == '.' && !isFrac) {
            isFrac = 1;
            continue;
        }
        if (z[i] < '0' || z[i] > '9') break;
        nDigit++;
        if (m < 1000000000000000000ULL) {
            m = m * 10 + (uint64_t)(z[i] - '0');
            mExp -= isFrac;
        } else {
            mExp += !isFrac; /* digits past the 19th only scale */
        }
    }
    if (nDigit == 0) return 0;
    if (i < n && (z[i] == 'e' || z[i] == 'E')) {
        i++;
        if (i < n && (z[i] == '+' || z[i] == '-')) isExpNeg = z[i++] == '-';
        for (; i < n && z[i] >= '0' && z[i] <= '9'; i++) {
            if (e < 100000) e = e * 10 + (z[i] - '0');
        }
    }
    while (i < n && usersIsSpace(z[i])) i++;
    if (i != n) return 0;
    *pR = usersScale((double)m, mExp + (isExpNeg ? -e : e));
    if (isNeg) *pR = -*pR;
    return 1;
}

static int usersNumTextCmp(const void *pa, const void *pb) {
    const users_num *a = pa, *b = pb;
    if (a->r != b->r) return a->r < b->r ? -1 : 1;
    return (a->iPos > b->iPos) - (a->iPos < b->iPos);
}

/* pD->pNumText, made on first use. */
static int usersNumText(lp_data *pD) {
    users_probe pText = {2, 0.0, "", 0}, pBlob = {3, 0.0, "", 0};
    uint32_t iFirst, iEnd;
    struct lp_num_text *pX;
    if (pD->pNumText) return SQLITE_OK;
    iFirst = usersLowerBound(pD, &pText);
    iEnd = usersLowerBound(pD, &pBlob);
    pX = sqlite3_malloc64(sizeof(*pX) + (sqlite3_uint64)(iEnd - iFirst) * sizeof(pX->a[0]));
    if (!pX) return SQLITE_NOMEM;
    pX->n = 0;
    for (uint32_t i = iFirst; i < iEnd; i++) {
        const lp_key *k = &pD->aKey[LP_USER_AT(pD, i)];
        if (usersReadNumber(pD->aKeyByte + k->v.off, k->n, &pX->a[pX->n].r)) {
            pX->a[pX->n++].iPos = i;
        }
    }
    qsort(pX->a, pX->n, sizeof(pX->a[0]), usersNumTextCmp);
    pD->pNumText = pX;
    return SQLITE_OK;
}

/* Every id a number r could equal (see above). */
static int usersFindNumber(lp_data *pD, double r, lp_pos_list *pList) {
    double lo, hi;
    uint32_t a = 0, b;
    int rc;
    usersHair(r, &lo, &hi);
    rc = usersFindNumbers(pD, lo, hi, pList);
    if (rc == SQLITE_OK) rc = usersNumText(pD);
    if (rc) return rc;
    b = pD->pNumText->n;
    while (a < b) {
        uint32_t mid = a + (b - a) / 2;
        if (pD->pNumText->a[mid].r < lo) {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    for (; a < pD->pNumText->n && pD->pNumText->a[a].r <= hi && rc == SQLITE_OK; a++) {
        rc = usersAppend(pList, pD->pNumText->a[a].iPos);
    }
    return rc;
}

/* See lp_read.h. */
int learnpath_users_find(lp_data *pD, sqlite3_value *pVal, lp_pos_list *pList) {
    int eType = sqlite3_value_type(pVal), rc = SQLITE_OK;
    sqlite3_value *pCopy;
    if (eType == SQLITE_NULL || pD->nUser == 0) return SQLITE_OK;
    if (eType == SQLITE_INTEGER) return usersFindNumber(pD, (double)sqlite3_value_int64(pVal), pList);
    if (eType == SQLITE_FLOAT) return usersFindNumber(pD, sqlite3_value_double(pVal), pList);
    /* a copy: reading a value as text or as a number changes it */
    pCopy = sqlite3_value_dup(pVal);
    if (!pCopy) return SQLITE_NOMEM;
    rc = usersFindBytes(pD, pCopy, eType == SQLITE_TEXT ? 2 : 3, pList);
    if (rc == SQLITE_OK && eType == SQLITE_TEXT) {
        eType = sqlite3_value_numeric_type(pCopy); /* as numeric affinity reads it */
        if (eType == SQLITE_INTEGER) {
            rc = usersFindNumber(pD, (double)sqlite3_value_int64(pCopy), pList);
        } else if (eType == SQLITE_FLOAT) {
            rc = usersFindNumber(pD, sqlite3_value_double(pCopy), pList);
        }
    }
    sqlite3_value_free(pCopy);
    return rc;
}

static int usersPosCmp(const void *pa, const void *pb) {
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

/* See lp_read.h. */
void learnpath_pos_list_finish(lp_pos_list *pList) {
    int64_t n = 0;
    if (pList->n > 1) qsort(pList->a, (size_t)pList->n, sizeof(uint32_t), usersPosCmp);
    for (int64_t i = 0; i < pList->n; i++) {
        if (n == 0 || pList->a[n - 1] != pList->a[i]) pList->a[n++] = pList->a[i];
    }
    pList->n = n;
}

/* ------------------------------------------------------- the memory budget */

/* See lp_read.h. */
void learnpath_users_local_names(lp_users *pIt) {
    if (pIt->pStream) pIt->isLocalNames = 1;
}

/* See lp_read.h. */
int64_t learnpath_data_name_bytes(const lp_data *pData) {
    return learnpath_strtab_bytes(&pData->programs) + learnpath_strtab_bytes(&pData->segments) +
           (int64_t)(pData->programs.n + pData->segments.n) * LP_NAME_EXTRA;
}

/* See lp_read.h. */
int64_t learnpath_users_held(const lp_users *pIt) {
    int64_t nGroup = usersGroupBytes(pIt); /* the users' groups (rule 12) */
    if (pIt->pStream == NULL) return pIt->pData->nByteUsed + nGroup;
    return nGroup + (pIt->isLocalNames ? 0 : learnpath_data_name_bytes(pIt->pData));
}

/* See lp_read.h. */
int64_t learnpath_users_limit(const lp_users *pIt) {
    if (pIt->nBudget == 0) return 0;
    if (pIt->pStream && pIt->nBudget < LP_BUDGET_FLOOR) return LP_BUDGET_FLOOR;
    return pIt->nBudget;
}

/* See lp_read.h. */
static int usersBudgetError(const lp_users *pIt, const char *zWhat, char **pzErr);

/* See lp_read.h. */
int learnpath_users_budget_error(const lp_users *pIt, int64_t nRow, uint32_t nGroup,
                                 char **pzErr) {
    char zRows[64] = "";
    if (nRow > 0 || nGroup > 0) {
        sqlite3_snprintf((int)sizeof(zRows), zRows, "%lld rows, %u tie groups and ", (long long)nRow,
                         nGroup);
    }
    return usersBudgetError(pIt, zRows, pzErr);
}

/* See lp_read.h. */
int learnpath_users_budget_error_users(const lp_users *pIt, int64_t nUser, uint32_t nGroup,
                                       char **pzErr) {
    char zUsers[96];
    sqlite3_snprintf((int)sizeof(zUsers), zUsers, "the times of %lld users, %u tie groups and ",
                     (long long)nUser, nGroup);
    return usersBudgetError(pIt, zUsers, pzErr);
}

/* The budget's error: zWhat (empty, or ending in "and ") the function's
** own, then the groups and names. */
static int usersBudgetError(const lp_users *pIt, const char *zWhat, char **pzErr) {
    const lp_data *pD = pIt->pData;
    char zLimit[128];
    if (learnpath_users_limit(pIt) > pIt->nBudget) {
        sqlite3_snprintf((int)sizeof(zLimit), zLimit,
                         "%lld bytes, the least a memory budget allows (learnpath_memory_budget is %lld),",
                         (long long)learnpath_users_limit(pIt), (long long)pIt->nBudget);
    } else {
        sqlite3_snprintf((int)sizeof(zLimit), zLimit, "the memory budget of %lld bytes",
                         (long long)pIt->nBudget);
    }
    char zGroups[96] = "";
    if (pIt->aGroup) {
        /* rule 12: each user's group, and the groups' names */
        sqlite3_snprintf((int)sizeof(zGroups), zGroups, "the groups of %u users (%u names) and ",
                         pIt->nGroupPos, pIt->groups.n);
    }
    return learnpath_errorf(pzErr, SQLITE_ERROR,
                            "needs more than %s to keep %s%sthe names of %u programs and %u segments; "
                            "raise learnpath_memory_budget() or set it to 0",
                            zLimit, zWhat, zGroups, pD->programs.n, pD->segments.n);
}
