/*
** lp_compare.c - do segments differ? (rule 23): segment_compare's tests and
** segment_cells' cells, from the users the continuation functions sorted.
**
**   SELECT * FROM segment_compare('enrollments', 'user_id', 'program',
**                                 'enrolled_at', 'user_type');
**   SELECT * FROM segment_cells('enrollments') WHERE group_col = 'account'
**      AND compare_group = 'largest';
**
** How it works. The users come from the continuation functions' memo
** (lp_km_pass.c: one pass over the users, rule 17's times and status, the
** users sorted once), shared with them: learnpath_km_orders gives the two
** orders the memo's sort makes, by (segment, first step, time) and by
** (segment, time). They are read where they lie, no copy (cmpView): each
** user's compared segment is a key, the segment's place (its column in the
** memo) or, a group compared, the group's or the rest's (an array made per
** order), and whether each continued a byte (the log-rank test's input).
** A stratum (a segment a group is compared within, or one for all) is a
** list of the orders' runs, by first step (cmpRunsOf: a counting sort of
** run headers); with segment_col and no group, the runs of users without a
** segment are left out. Its tables are made from those runs: a table's
** users counted in a table of counters (segments x categories; past
** CMP_MAX_DENSE cells, sorted as (segment, category) pairs), folded by
** Cochran's rule, tested by lp_stats.c (rule 22); continued's horizon is
** counted over the runs, and its log-rank test merges them by time
** (learnpath_logrank_runs: a first program's runs, one a segment, or the
** runs of the order by segment), so no order by time over every segment
** is made. Beside the memo, 2 bytes a user (10 with a group). Nothing per
** user in SQL.
**
** RULE 23 (README.md says it in full).
**   Segments: each user's segment (rule 6) when segment_col is given, users
**   without one left out; else one segment (NULL) for all. With
**   compare_group, the group (rule 12) against '(rest)', users with no
**   group in the rest; with segment_col too, within each segment.
**   E, times and status are rule 17's; users whose first step starts after
**   E are left out of every question.
**   first_program: segments x first step. next_program, per first step:
**   segments x step 2's label among the users who continued. Both folded:
**   categories ordered by their total, then name; the fewest k >= 2 of the
**   smallest become '(other)' (k = 0 when none need to) so that at most
**   20% of the expected counts are below 5 and none below 1; none can: a
**   single category. continued, over every first step and per first step:
**   the log-rank test between segments (R's survdiff), and at at_days
**   among the users with E - s1 >= at_days: two segments, the z test of
**   two proportions (pooled) or, an expected count below 5, Fisher's;
**   more, the chi-square test of segments x continued by then.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lp_compare.h"

/* See lp_journey.h. */
int64_t learnpath_cmp_max_dense = (int64_t)1 << 18;

/* ------------------------------------------------------------ the users */

/* A user's group (rule 12) from the continuation memo's uid: streamed, the
** group itself; in memory, the user's number in the data. */
static uint32_t cmpGroupOf(const lp_users *pIt, const lp_km_users_info *pInfo, uint32_t uid) {
    return pInfo->isUidGroup ? uid : learnpath_users_group(pIt, uid);
}

/*
** compare_group: the group's number in pIt->groups into *pGroup. 'largest'
** is the group with the most users kept by rules 1-8 (those of the memo,
** whose groups aG gives, or each one's from *pV with aG NULL, and those
** left out for starting after E, as group_stats counts them without
** segment_col; or the counts aNGiven of all of them), ties to the first
** name in byte order. An error when no user has that group.
*/
static int cmpFindGroup(const uint32_t *aG, const int64_t *aNGiven, const lp_km_order_view *pV,
                        const lp_km_users_info *pInfo, const lp_users *pIt, const lp_cmp_spec *pSpec,
                        uint32_t *pGroup, char **pzErr) {
    const lp_strtab *pG = &pIt->groups;
    char *zCol = learnpath_quote(pSpec->zGroupCol ? pSpec->zGroupCol : "");
    int rc = SQLITE_OK;
    if (!zCol) return SQLITE_NOMEM;
    if (pSpec->isLargest) {
        int64_t *aN = sqlite3_malloc64(((sqlite3_uint64)pG->n + 1) * sizeof(int64_t));
        uint32_t best = LP_NONE;
        if (!aN) rc = SQLITE_NOMEM;
        if (aN) memset(aN, 0, ((size_t)pG->n + 1) * sizeof(int64_t));
        if (aN && aNGiven) memcpy(aN, aNGiven, (size_t)pG->n * sizeof(int64_t));
        int64_t nG = pV->nUser;
        for (int64_t i = 0; aN && !aNGiven && i < nG + pInfo->nLate; i++) {
            uint32_t g = i >= nG ? cmpGroupOf(pIt, pInfo, pInfo->aLateUid[i - nG])
                                 : aG ? aG[i] : cmpGroupOf(pIt, pInfo, pV->aUid[i]);
            if (g != LP_NONE && g < pG->n) aN[g]++;
        }
        for (uint32_t g = 0; aN && g < pG->n; g++) {
            if (aN[g] == 0) continue;
            if (best == LP_NONE || aN[g] > aN[best] ||
                (aN[g] == aN[best] && learnpath_bytes_cmp(LP_STR(pG, g), LP_STRLEN(pG, g),
                                                          LP_STR(pG, best), LP_STRLEN(pG, best)) < 0)) {
                best = g;
            }
        }
        sqlite3_free(aN);
        if (rc == SQLITE_OK && best == LP_NONE) {
            rc = learnpath_errorf(pzErr, SQLITE_ERROR,
                                  "compare_group 'largest' needs a group, and no user kept has "
                                  "one in group_col %s", zCol);
        }
        *pGroup = best;
    } else if (!learnpath_strtab_find(pG, pSpec->zGroup, pSpec->nGroup, pGroup)) {
        char *zVal = learnpath_quote_n(pSpec->zGroup, pSpec->nGroup);
        rc = zVal ? learnpath_errorf(pzErr, SQLITE_ERROR,
                                     "compare_group %s is the group of no user in group_col %s",
                                     zVal, zCol)
                  : SQLITE_NOMEM;
        sqlite3_free(zVal);
    }
    sqlite3_free(zCol);
    return rc;
}

/*
** In memory, the users' groups are kept by user number, and the orders'
** users come at random: rather than read a group at random per user and
** order, the users of the compared group as bits by user number (*paBit,
** the caller frees it; a few hundred KB), compare_group found on the way
** (for 'largest', the users kept marked first, then their groups counted
** in user number order).
*/
static int cmpGroupBits(const lp_km_order_view *pV, const lp_km_users_info *pInfo, const lp_users *pIt,
                        const lp_cmp_spec *pSpec, uint32_t *pGroup, uint64_t **paBit, char **pzErr) {
    uint32_t nPos = pIt->nGroupPos, nG = pIt->groups.n;
    int64_t nWord = (int64_t)nPos / 64 + 1, *aN = NULL;
    uint64_t *aBit = sqlite3_malloc64((sqlite3_uint64)nWord * sizeof(uint64_t));
    int rc = SQLITE_OK;
    *paBit = aBit;
    if (!aBit) return SQLITE_NOMEM;
    memset(aBit, 0, (size_t)nWord * sizeof(uint64_t));
    if (pSpec->isLargest) {
        aN = sqlite3_malloc64(((sqlite3_uint64)nG + 1) * sizeof(int64_t));
        if (!aN) return SQLITE_NOMEM;
        memset(aN, 0, ((size_t)nG + 1) * sizeof(int64_t));
        for (int64_t i = 0; i < pV->nUser + pInfo->nLate; i++) {
            uint32_t u = i < pV->nUser ? pV->aUid[i] : pInfo->aLateUid[i - pV->nUser];
            if (u < nPos) aBit[u >> 6] |= (uint64_t)1 << (u & 63);
        }
        for (uint32_t u = 0; u < nPos; u++) {
            uint32_t g = pIt->aGroup[u];
            if ((aBit[u >> 6] >> (u & 63) & 1) && g != LP_NONE && g < nG) aN[g]++;
        }
    }
    rc = cmpFindGroup(NULL, aN, pV, pInfo, pIt, pSpec, pGroup, pzErr);
    sqlite3_free(aN);
    for (int64_t w = 0; rc == SQLITE_OK && w < nWord; w++) {
        uint64_t x = 0;
        for (uint32_t b = 0; b < 64 && (uint64_t)w * 64 + b < nPos; b++) {
            x |= (uint64_t)(pIt->aGroup[w * 64 + b] == *pGroup) << b;
        }
        aBit[w] = x;
    }
    return rc;
}

/*
** Order *pV as rule 23's users *pU: its columns, whether each continued,
** and each one's compared segment: the segment's place + 1 (key + 1) with
** segment_col, none (key 0) without; with a group compared, the keys
** from aBit (cmpGroupBits), or without it *paGroup (writable) holds each
** user's group, for cmpGroupKeys to make keys of. *ppMem2 holds what it
** made.
*/
static int cmpView(const lp_km_order_view *pV, const lp_km_users_info *pInfo, const lp_users *pIt,
                   const lp_cmp_result *pRes, const lp_cmp_spec *pSpec, const uint64_t *aBit, cmp_users *pU,
                   uint32_t **paGroup, void **ppMem2) {
    unsigned char *aEv;
    int64_t n;
    memset(pU, 0, sizeof(*pU));
    pU->n = pV->nUser;
    pU->aT = pV->aT;
    pU->aS1 = pV->aS1;
    pU->aDest = pV->aDest;
    pU->aSeg = pV->aSeg;
    pU->aRun = pV->aRun;
    pU->nRun = pV->nRun;
    n = pU->n;
    /* whether each continued, then (a group compared) its group, 4-aligned */
    aEv = sqlite3_malloc64((sqlite3_uint64)(n + 4) * (pRes->isGroupMode ? 1 + sizeof(uint32_t) : 1));
    if (!aEv) return SQLITE_NOMEM;
    *ppMem2 = aEv;
    for (int64_t i = 0; i < n; i++) aEv[i] = pU->aDest[i] != LP_NONE;
    pU->aEv = aEv;
    if (pRes->isGroupMode) {
        uint32_t *aGrp = (uint32_t *)(void *)(aEv + ((n + 4) & ~(int64_t)3));
        pU->aGrp = *paGroup = aGrp;
        if (aBit) {
            /* the keys themselves */
            uint32_t nPos = pIt->nGroupPos;
            for (int64_t i = 0; i < n; i++) {
                uint32_t u = pV->aUid[i];
                aGrp[i] = u < nPos && (aBit[u >> 6] >> (u & 63) & 1) ? LP_CMP_THE_GROUP : LP_CMP_THE_REST;
            }
            return SQLITE_OK;
        }
        for (int64_t i = 0; i < n; i++) aGrp[i] = cmpGroupOf(pIt, pInfo, pV->aUid[i]);
    } else if (pSpec->useSegments) {
        pU->aGrp = pU->aSeg;
        pU->grpBias = 1;
    }
    return SQLITE_OK;
}

/* Users' groups aGrp[0..n) as compared keys: the group's or the rest's. */
static void cmpGroupKeys(uint32_t *aGrp, int64_t n, uint32_t group) {
    for (int64_t i = 0; i < n; i++) aGrp[i] = aGrp[i] == group ? LP_CMP_THE_GROUP : LP_CMP_THE_REST;
}

/* --------------------------------------------------------------- strata */

/* Holm's adjustment (rule 22) of the rows [i0, nRow) of question q, per
** first program (program not LP_NONE), that share a test family: the
** chi-square tests (by eTest), the log-rank test, or the horizon's. */
static int cmpHolm(cmp_build *pB, int64_t i0) {
    lp_cmp_result *pRes = pB->pRes;
    int64_t n = pRes->nRow - i0;
    double *aP = sqlite3_malloc64((sqlite3_uint64)(n + 1) * 2 * sizeof(double));
    int64_t *aIdx = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(int64_t));
    int rc = aP && aIdx ? SQLITE_OK : SQLITE_NOMEM;
    for (int64_t i = i0; i < pRes->nRow; i++) pRes->aRow[i].pAdjusted = pRes->aRow[i].p.p;
    /* families: (question, test kind, horizon or not) */
    for (int q = LP_CMP_NEXT; rc == SQLITE_OK && q <= LP_CMP_CONTINUED; q++) {
        for (int f = 0; rc == SQLITE_OK && f < 6; f++) {
            int m = 0;
            for (int64_t i = i0; i < pRes->nRow; i++) {
                const lp_cmp_row *pR = &pRes->aRow[i];
                int fam = pR->hasDay * 3 + (pR->test == LP_CMP_G ? 1 : pR->test == LP_CMP_PEARSON ? 0 : 2);
                if (pR->question != q || pR->program == LP_NONE || !pR->isSet || fam != f) continue;
                aIdx[m] = i;
                aP[m++] = pR->p.p;
            }
            if (m < 2) continue;
            rc = learnpath_holm(aP, m, aP + n + 1);
            for (int k = 0; rc == SQLITE_OK && k < m; k++) pRes->aRow[aIdx[k]].pAdjusted = aP[n + 1 + k];
        }
    }
    sqlite3_free(aP);
    sqlite3_free(aIdx);
    return rc;
}

/* A run's first step: its place (0 in an order over every step). */
static uint32_t cmpRunLabel(const lp_km_run *pR) {
    return pR->label == LP_NONE ? 0 : pR->label;
}

static int cmpU32Cmp(const void *pa, const void *pb) {
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

/* The table of m users counted by cmpStepTable, nK keys and nC categories:
** laid out (both ascending), its counters cleared, tested. */
static int cmpCountTable(cmp_build *pB, int64_t nK, int64_t nC, int64_t m) {
    int64_t *aObs = sqlite3_malloc64((sqlite3_uint64)(nK * nC + 1) * sizeof(int64_t));
    int rc = aObs ? SQLITE_OK : SQLITE_NOMEM;
    qsort(pB->aKeyList, (size_t)nK, sizeof(uint32_t), cmpU32Cmp);
    qsort(pB->aCatList, (size_t)nC, sizeof(uint32_t), cmpU32Cmp);
    for (int64_t r = 0; r < nK; r++) {
        int64_t *pRow = pB->aCnt + (int64_t)pB->aKeyList[r] * pB->nLabel;
        for (int64_t c = 0; c < nC; c++) {
            if (aObs) aObs[r * nC + c] = pRow[pB->aCatList[c]];
            pRow[pB->aCatList[c]] = 0;
        }
    }
    if (rc == SQLITE_OK) rc = learnpath_cmp_table(pB, aObs, nK, nC, pB->aKeyList, pB->aCatList, m);
    sqlite3_free(aObs);
    return rc;
}

/* Room for the pairs of a view's users to sort (learnpath_cmp_pairs_table). */
static int cmpPairRoom(cmp_build *pB) {
    if (pB->aPair == NULL) {
        pB->aPair = sqlite3_malloc64((sqlite3_uint64)(pB->nScratch + 1) * 2 * sizeof(uint64_t));
        if (!pB->aPair) return SQLITE_NOMEM;
        pB->aPairTmp = pB->aPair + pB->nScratch + 1;
    }
    return SQLITE_OK;
}

/*
** first_program's table of a stratum (its nR runs aR of *pL, m users):
** segments x first step. isNext: next_program's of one first step (its
** users who continued), segments x step 2; none: a row that says so.
*/
static int cmpStepTable(cmp_build *pB, const cmp_users *pL, const lp_km_run *aR, int64_t nR, int isNext) {
    /* the build's arrays in locals: stores through them do not reload them */
    int64_t nK = 0, nC = 0, m = 0, stride = pB->nLabel, *aCnt = pB->aCnt;
    uint32_t *aSeen = pB->aSeen, *aCatSeen = pB->aCatSeen, *aKeyList = pB->aKeyList;
    uint32_t *aCatList = pB->aCatList, bias = pL->grpBias;
    const uint32_t *aGrp = pL->aGrp, *aDest = pL->aDest;
    const unsigned char *aEv = pL->aEv;
    int rc = aCnt ? SQLITE_OK : cmpPairRoom(pB);
    uint32_t stamp = learnpath_cmp_stamp(pB);
    uint64_t *aPair = pB->aPair;
    for (int64_t r = 0; r < nR && rc == SQLITE_OK; r++) {
        const lp_km_run *pR = &aR[r];
        uint32_t c = cmpRunLabel(pR);
        for (int64_t i = pR->iFirst; i < pR->iFirst + pR->n; i++) {
            uint32_t k = aGrp ? aGrp[i] - bias : 0;
            if (isNext) {
                if (!aEv[i]) continue;
                c = aDest[i];
            }
            m++;
            if (!aCnt) {
                aPair[m - 1] = (uint64_t)k << 32 | c;
                continue;
            }
            /* the keys and categories met, listed; their counts */
            if (aSeen[k] != stamp) {
                aSeen[k] = stamp;
                aKeyList[nK++] = k;
            }
            if (aCatSeen[c] != stamp) {
                aCatSeen[c] = stamp;
                aCatList[nC++] = c;
            }
            aCnt[(int64_t)k * stride + c]++;
        }
    }
    if (rc == SQLITE_OK && m == 0 && isNext) {
        static const int aTests[2] = {LP_CMP_PEARSON, LP_CMP_G};
        return learnpath_cmp_note_rows(pB, aTests, 2, 0, "nobody continued");
    }
    if (rc) return rc;
    return aCnt ? cmpCountTable(pB, nK, nC, m) : learnpath_cmp_pairs_table(pB, m);
}

/* A first step of a stratum: its place, its runs r0 .. r1 - 1 of the
** stratum's (in order of first step), its users, those eligible at the
** horizon. */
typedef struct cmp_step {
    uint32_t label;
    int64_t r0, r1, n, nElig;
} cmp_step;

/* The stratum's first steps (its nR runs aR, in order of first step, none
** empty) into pB->aStep, their number; -1 when there are more than it holds
** (nLabel) or it holds none (no table of counters). */
static int64_t cmpSteps(cmp_build *pB, const lp_km_run *aR, int64_t nR) {
    int64_t nStep = 0;
    for (int64_t r = 0; r < nR;) {
        int64_t e = r, n = 0;
        uint32_t label = cmpRunLabel(&aR[r]);
        for (; e < nR && cmpRunLabel(&aR[e]) == label; e++) n += aR[e].n;
        if (pB->aStep == NULL || nStep >= (int64_t)pB->nLabel) return -1;
        pB->aStep[nStep].label = label;
        pB->aStep[nStep].r0 = r;
        pB->aStep[nStep].r1 = e;
        pB->aStep[nStep++].n = n;
        r = e;
    }
    return nStep;
}

/*
** One pass over a stratum's users (its runs aR) by first step, its nStep
** first steps: per first step g and compared segment k, aStepCnt[(g
** nSegKey + k) 3] its users, + 1 those eligible at the horizon who
** continued by then, + 2 those eligible who did not; each first step's
** eligible users.
*/
static void cmpStepCounts(cmp_build *pB, const cmp_users *pL, const lp_km_run *aR, int64_t nStep) {
    int64_t nK = pB->nSegKey, dElig = pB->dElig, E = pB->E, hasElig = pB->hasElig;
    const uint32_t *aGrp = pL->aGrp;
    const int64_t *aS1 = pL->aS1;
    const double *aT = pL->aT;
    const unsigned char *aEv = pL->aEv;
    uint32_t bias = pL->grpBias;
    double day = pB->pSpec->atDay;
    memset(pB->aStepCnt, 0, (size_t)(nStep * nK * 3) * sizeof(int64_t));
    for (int64_t g = 0; g < nStep; g++) {
        int64_t *aS = pB->aStepCnt + g * nK * 3, nElig = 0;
        for (int64_t r = pB->aStep[g].r0; r < pB->aStep[g].r1; r++) {
            for (int64_t i = aR[r].iFirst; i < aR[r].iFirst + aR[r].n; i++) {
                uint32_t k = aGrp ? aGrp[i] - bias : 0;
                int64_t isElig = hasElig & (E - aS1[i] >= dElig);
                aS[3 * k]++;
                aS[3 * k + 2 - (aEv[i] & (aT[i] <= day))] += isElig;
                nElig += isElig;
            }
        }
        pB->aStep[g].nElig = nElig;
    }
}

/* first_program's table of a stratum of m users from cmpStepCounts: the
** keys with users (ascending) x the first steps (by place). */
static int cmpFirstCounted(cmp_build *pB, int64_t nStep, int64_t m) {
    int64_t nK = pB->nSegKey, nR = 0, *aObs;
    uint32_t *aOrd = sqlite3_malloc64((sqlite3_uint64)(nStep + 1) * sizeof(uint32_t));
    int rc;
    aObs = sqlite3_malloc64((sqlite3_uint64)(nK * nStep + 1) * sizeof(int64_t));
    if (!aOrd || !aObs) {
        sqlite3_free(aOrd);
        sqlite3_free(aObs);
        return SQLITE_NOMEM;
    }
    /* the first steps by place (in the order's order already: a check) */
    for (int64_t c = 0; c < nStep; c++) {
        int64_t j = c;
        for (; j > 0 && pB->aStep[aOrd[j - 1]].label > pB->aStep[c].label; j--) aOrd[j] = aOrd[j - 1];
        aOrd[j] = (uint32_t)c;
    }
    for (int64_t c = 0; c < nStep; c++) pB->aCatList[c] = pB->aStep[aOrd[c]].label;
    for (int64_t k = 0; k < nK; k++) {
        int64_t nUser = 0;
        for (int64_t c = 0; c < nStep; c++) nUser += pB->aStepCnt[((int64_t)aOrd[c] * nK + k) * 3];
        if (nUser == 0) continue;
        for (int64_t c = 0; c < nStep; c++) aObs[nR * nStep + c] = pB->aStepCnt[((int64_t)aOrd[c] * nK + k) * 3];
        pB->aKeyList[nR++] = (uint32_t)k;
    }
    rc = learnpath_cmp_table(pB, aObs, nR, nStep, pB->aKeyList, pB->aCatList, m);
    sqlite3_free(aOrd);
    sqlite3_free(aObs);
    return rc;
}

/* continued's rows of the m users of the nR runs aR of *pU (each sorted by
** time: learnpath_cmp_continued), those of first steps g0 .. g1 - 1 of
** cmpStepCounts: their keys and counts summed. */
static int cmpContinuedCounted(cmp_build *pB, const cmp_users *pU, const lp_km_run *aR, int64_t nR, int64_t m,
                               int64_t g0, int64_t g1) {
    int64_t nK = pB->nSegKey, nKey = 0, nElig = 0, *aC = pB->aCount;
    for (int64_t k = 0; k < nK; k++) {
        int64_t nUser = 0, x = 0, y = 0;
        for (int64_t g = g0; g < g1; g++) {
            const int64_t *aS = pB->aStepCnt + (g * nK + k) * 3;
            nUser += aS[0];
            x += aS[1];
            y += aS[2];
        }
        if (nUser == 0) continue;
        aC[2 * k] = x;
        aC[2 * k + 1] = y;
        pB->aKeyList[nKey++] = (uint32_t)k;
    }
    for (int64_t g = g0; g < g1; g++) nElig += pB->aStep[g].nElig;
    return learnpath_cmp_continued_keys(pB, pU, aR, nR, m, pB->aKeyList, nKey, aC, nElig);
}

/*
** One stratum's rows and cells: its nL runs aL of *pL (by first step, each
** by time), m users; the same users as the nT runs aT of *pT (each by
** time). first_program, next_program per first step, continued over all
** (the runs aT merged), then per first step (its runs merged); Holm's
** adjustment across first steps. With the table of counters, one pass
** (cmpStepCounts) counts first_program's table and continued's horizon
** for all of them; else each question counts its own.
*/
static int cmpStratum(cmp_build *pB, const cmp_users *pL, const lp_km_run *aL, int64_t nL, const cmp_users *pT,
                      const lp_km_run *aT, int64_t nT, int64_t m) {
    int64_t i0 = pB->pRes->nRow, nStep = pB->aStepCnt ? cmpSteps(pB, aL, nL) : -1;
    int rc;
    pB->question = LP_CMP_FIRST;
    pB->program = LP_NONE;
    if (nStep >= 0) cmpStepCounts(pB, pL, aL, nStep);
    rc = nStep >= 0 ? cmpFirstCounted(pB, nStep, m) : cmpStepTable(pB, pL, aL, nL, 0);
    pB->question = LP_CMP_NEXT;
    for (int64_t r = 0, e; r < nL && rc == SQLITE_OK; r = e) {
        uint32_t label = cmpRunLabel(&aL[r]);
        for (e = r; e < nL && cmpRunLabel(&aL[e]) == label; e++) {}
        pB->program = pB->aLabelOf[label];
        rc = cmpStepTable(pB, pL, aL + r, e - r, 1);
    }
    pB->question = LP_CMP_CONTINUED;
    pB->program = LP_NONE;
    if (rc == SQLITE_OK) {
        rc = nStep >= 0 ? cmpContinuedCounted(pB, pT, aT, nT, m, 0, nStep) : learnpath_cmp_continued(pB, pT, aT, nT, m);
    }
    for (int64_t r = 0, e, g = 0; r < nL && rc == SQLITE_OK; r = e, g++) {
        uint32_t label = cmpRunLabel(&aL[r]);
        int64_t n = 0;
        for (e = r; e < nL && cmpRunLabel(&aL[e]) == label; e++) n += aL[e].n;
        pB->program = pB->aLabelOf[label];
        rc = nStep >= 0 ? cmpContinuedCounted(pB, pL, aL + r, e - r, n, g, g + 1)
                        : learnpath_cmp_continued(pB, pL, aL + r, e - r, n);
    }
    return rc ? rc : cmpHolm(pB, i0);
}

/*
** The runs of an order that a stratum takes, none empty, into aOut (room
** for all): those of segment key (isAll: of every segment, but none
** without one when isSkip0), by first step (a stable counting sort over
** the nLabel places: the order's runs are by segment, then first step);
** their number, their users in *pM.
*/
static int64_t cmpRunsOf(const cmp_users *pU, int isAll, int isSkip0, uint32_t key, uint32_t nLabel,
                         int64_t *aCount, lp_km_run *aOut, int64_t *pM) {
    int64_t n = 0, m = 0;
    memset(aCount, 0, ((size_t)nLabel + 1) * sizeof(int64_t));
    for (int64_t r = 0; r < pU->nRun; r++) {
        const lp_km_run *pR = &pU->aRun[r];
        if (pR->n == 0 || (isAll ? (isSkip0 && pR->seg == 0) : pR->seg != key)) continue;
        aCount[cmpRunLabel(pR) + 1]++;
        n++;
        m += pR->n;
    }
    for (uint32_t c = 0; c < nLabel; c++) aCount[c + 1] += aCount[c];
    for (int64_t r = 0; r < pU->nRun; r++) {
        const lp_km_run *pR = &pU->aRun[r];
        if (pR->n == 0 || (isAll ? (isSkip0 && pR->seg == 0) : pR->seg != key)) continue;
        aOut[aCount[cmpRunLabel(pR)]++] = *pR;
    }
    *pM = m;
    return n;
}

/*
** Every stratum: *pL the users by (segment, first step, time), *pT by
** (segment, time); the strata are the segments (isWithin: a group compared
** within them; those without a segment left out) or one, every user (but
** those without a segment when isSkip0).
*/
static int cmpStrata(cmp_build *pB, const cmp_users *pL, const cmp_users *pT, int isWithin, int isSkip0) {
    int64_t nDone = 0, *aCount;
    lp_km_run *aL, *aT;
    int rc = SQLITE_OK;
    aCount = sqlite3_malloc64(((sqlite3_uint64)pB->nLabel + 1) * sizeof(int64_t));
    aL = sqlite3_malloc64(((sqlite3_uint64)pL->nRun + (sqlite3_uint64)pT->nRun + 1) * sizeof(lp_km_run));
    if (!aCount || !aL) rc = SQLITE_NOMEM;
    aT = aL ? aL + pL->nRun : NULL;
    for (int64_t r = 0, lastKey = -1; rc == SQLITE_OK && r < (isWithin ? pL->nRun : 1); r++) {
        uint32_t key = isWithin ? pL->aRun[r].seg : 0;
        int64_t m, mT, nL, nT;
        /* within: each segment once (its runs lie together), at its first */
        if (isWithin && (key == 0 || (int64_t)key == lastKey)) continue;
        lastKey = key;
        nL = cmpRunsOf(pL, !isWithin, isSkip0, key, pB->nLabel, aCount, aL, &m);
        nT = cmpRunsOf(pT, !isWithin, isSkip0, key, pB->nLabel, aCount, aT, &mT);
        if (m == 0) continue;
        pB->within = key == 0 ? LP_NONE : pB->aSegOf[key - 1];
        rc = mT == m ? cmpStratum(pB, pL, aL, nL, pT, aT, nT, m) : SQLITE_INTERNAL;
        nDone += m;
    }
    sqlite3_free(aCount);
    sqlite3_free(aL);
    if (rc == SQLITE_OK && nDone == 0) {
        /* nobody to compare: one row per question says so */
        static const int aT2[2] = {LP_CMP_PEARSON, LP_CMP_G}, aLr[1] = {LP_CMP_LOGRANK};
        pB->within = pB->program = LP_NONE;
        pB->question = LP_CMP_FIRST;
        rc = learnpath_cmp_note_rows(pB, aT2, 2, 0, "no user to compare");
        pB->question = LP_CMP_CONTINUED;
        if (rc == SQLITE_OK) rc = learnpath_cmp_note_rows(pB, aLr, 1, 0, "no user to compare");
    }
    return rc;
}

/* See lp_journey.h. */
void learnpath_cmp_free(lp_cmp_result *pRes) {
    for (int64_t i = 0; i < pRes->nRow; i++) {
        sqlite3_free(pRes->aRow[i].zFolded);
        sqlite3_free(pRes->aRow[i].zNote);
    }
    sqlite3_free(pRes->aRow);
    sqlite3_free(pRes->aCell);
    memset(pRes, 0, sizeof(*pRes));
}

/* The smallest d with (double)d / LP_MS_PER_DAY >= day (it grows with d)
** into *pD: E - s1 >= d is rule 23's eligibility at the horizon; 0: no d. */
static int cmpEligFrom(double day, int64_t *pD) {
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    if (!((double)hi / LP_MS_PER_DAY >= day)) return 0;
    if ((double)lo / LP_MS_PER_DAY >= day) {
        *pD = lo;
        return 1;
    }
    while ((uint64_t)hi - (uint64_t)lo > 1) {
        int64_t mid = (int64_t)((uint64_t)lo + ((uint64_t)hi - (uint64_t)lo) / 2);
        if ((double)mid / LP_MS_PER_DAY >= day) hi = mid; else lo = mid;
    }
    *pD = hi;
    return 1;
}

/* The build's per segment and per category arrays; SQLITE_NOMEM. */
static int cmpBuildAlloc(cmp_build *pB) {
    sqlite3_uint64 nK = pB->nSegKey, nL = pB->nLabel;
    pB->aSeen = sqlite3_malloc64((nK * 3 + 1) * sizeof(uint32_t));
    pB->aCatSeen = sqlite3_malloc64((nL * 2 + 1) * sizeof(uint32_t));
    pB->aCount = sqlite3_malloc64((nK * 2 + 1) * sizeof(int64_t));
    if (pB->isDense) {
        pB->aCnt = sqlite3_malloc64((nK * nL + 1) * sizeof(int64_t));
        pB->aStepCnt = sqlite3_malloc64((nK * nL * 3 + 1) * sizeof(int64_t));
        pB->aStep = sqlite3_malloc64((nL + 1) * sizeof(cmp_step));
        if (!pB->aCnt || !pB->aStepCnt || !pB->aStep) return SQLITE_NOMEM;
    }
    if (!pB->aSeen || !pB->aCatSeen || !pB->aCount) return SQLITE_NOMEM;
    pB->aPlace = pB->aSeen + nK;
    pB->aKeyList = pB->aPlace + nK;
    pB->aCatList = pB->aCatSeen + nL;
    memset(pB->aSeen, 0, (size_t)nK * sizeof(uint32_t));
    memset(pB->aCatSeen, 0, (size_t)nL * sizeof(uint32_t));
    if (pB->aCnt) memset(pB->aCnt, 0, (size_t)(nK * nL) * sizeof(int64_t));
    return SQLITE_OK;
}

static void cmpBuildFree(cmp_build *pB) {
    sqlite3_free(pB->aSeen);
    sqlite3_free(pB->aCatSeen);
    sqlite3_free(pB->aCount);
    sqlite3_free(pB->aCnt);
    sqlite3_free(pB->aStepCnt);
    sqlite3_free(pB->aStep);
    sqlite3_free(pB->aPair);
    sqlite3_free(pB->aGrpTmp);
}

/*
** Over the memory budget? The memo, and per user of the orders: whether
** each continued (1 byte an order), a group compared: its key (4 bytes an
** order) and the group's users as bits (a bit per user of the data), the
** log-rank test's renumbered groups (4) and, past CMP_MAX_DENSE, the pairs
** sorted (16 and as many for the sort); with the table of counters
** (isDense), 32 bytes per key and category.
*/
static int cmpOverBudget(lp_users *pIt, const lp_km_users_info *pInfo, const cmp_build *pB, int64_t nUser) {
    int64_t nLimit = learnpath_users_limit(pIt), nPer = 2 + 4;
    if (nLimit <= 0) return 0;
    nPer += pB->pRes->isGroupMode ? 8 : 0;
    nPer += pB->isDense ? 0 : 32;
    return learnpath_users_held(pIt) + pInfo->nMemoByte + nUser * nPer +
               (pB->pRes->isGroupMode ? (int64_t)pIt->nGroupPos / 8 + 8 : 0) +
               (pB->isDense ? (int64_t)pB->nSegKey * (int64_t)pB->nLabel * 32 : 0) > nLimit;
}

/* See lp_journey.h. */
int learnpath_cmp_build(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape,
                        const lp_cmp_spec *pSpec, lp_cmp_result *pRes, lp_km_memo **ppKm,
                        char **pzErr) {
    lp_km_spec ks;
    lp_km_order_view vL, vT;
    lp_km_users_info info;
    cmp_build B;
    cmp_users uL, uT;
    uint32_t *aGL = NULL, *aGT = NULL;
    void *aMem[2] = {NULL, NULL};
    uint64_t *aBit = NULL;
    int rc, isWithin, isSkip0, isBits = 0;
    memset(&ks, 0, sizeof(ks));
    memset(&B, 0, sizeof(B));
    memset(pRes, 0, sizeof(*pRes));
    *ppKm = NULL;
    ks.hasObserveUntil = pSpec->hasObserveUntil;
    ks.observeUntil = pSpec->observeUntil;
    pRes->isGroupMode = pSpec->zGroup != NULL || pSpec->isLargest;
    /* the strata: the segments when a group is compared within them, else
    ** one (without the users lacking a segment when segments are compared);
    ** either way read from the memo's main order and the one by segment,
    ** the runs merged by time where a stratum spans several */
    isWithin = pRes->isGroupMode && pSpec->useSegments;
    isSkip0 = !pRes->isGroupMode && pSpec->useSegments;
    rc = learnpath_km_orders(pIt, pSh, pShape, &ks, ppKm, &vL, &vT, &info, pzErr);
    if (rc == SQLITE_OK) {
        B.pRes = pRes;
        B.pSpec = pSpec;
        B.nSegKey = pRes->isGroupMode ? 2 : info.nSeg + 1;
        B.nLabel = info.nLabel + 1;
        /* in memory, the groups by user number: the group's users as bits */
        isBits = pRes->isGroupMode && !info.isUidGroup && pIt->pStream == NULL && pIt->aGroup != NULL;
        /* the table of counters when it is small enough and within the
        ** budget; else the pairs sorted, as past CMP_MAX_DENSE (the same
        ** tables), which may fit where the counters do not */
        B.isDense = (int64_t)B.nSegKey * B.nLabel <= CMP_MAX_DENSE;
        if (B.isDense && cmpOverBudget(pIt, &info, &B, vL.nUser)) B.isDense = 0;
        if (cmpOverBudget(pIt, &info, &B, vL.nUser)) {
            /* compare_group's error comes first */
            if (pRes->isGroupMode) rc = cmpFindGroup(NULL, NULL, &vL, &info, pIt, pSpec, &pRes->group, pzErr);
            if (rc == SQLITE_OK) {
                rc = pIt->pStream == NULL ? LP_RC_OVER_BUDGET
                                          : learnpath_users_budget_error_users(pIt, vL.nUser, 0, pzErr);
            }
        }
    }
    if (rc == SQLITE_OK && isBits) rc = cmpGroupBits(&vL, &info, pIt, pSpec, &pRes->group, &aBit, pzErr);
    if (rc == SQLITE_OK) rc = cmpView(&vL, &info, pIt, pRes, pSpec, aBit, &uL, &aGL, &aMem[0]);
    if (rc == SQLITE_OK && pRes->isGroupMode && !isBits) {
        rc = cmpFindGroup(aGL, NULL, &vL, &info, pIt, pSpec, &pRes->group, pzErr);
        if (rc == SQLITE_OK) cmpGroupKeys(aGL, uL.n, pRes->group);
    }
    if (rc == SQLITE_OK) rc = cmpView(&vT, &info, pIt, pRes, pSpec, aBit, &uT, &aGT, &aMem[1]);
    if (rc == SQLITE_OK && pRes->isGroupMode && !isBits) cmpGroupKeys(aGT, uT.n, pRes->group);
    if (rc == SQLITE_OK) {
        B.pSh = learnpath_km_shaper(*ppKm);
        B.aLabelOf = info.aLabelOf;
        B.aSegOf = info.aSegOf;
        B.E = info.E;
        B.nScratch = uL.n > uT.n ? uL.n : uT.n;
        B.hasElig = cmpEligFrom(pSpec->atDay, &B.dElig);
        rc = cmpBuildAlloc(&B);
    }
    if (rc == SQLITE_OK) rc = cmpStrata(&B, &uL, &uT, isWithin, isSkip0);
    cmpBuildFree(&B);
    for (int i = 0; i < 2; i++) sqlite3_free(aMem[i]);
    sqlite3_free(aBit);
    if (rc) {
        learnpath_cmp_free(pRes);
        learnpath_km_memo_unref(*ppKm);
        *ppKm = NULL;
    }
    return rc;
}
