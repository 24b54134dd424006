/*
** lp_compare.c - do segments differ? (rule 23): segment_compare's tests and
** segment_cells' cells, from one pass over the users.
**
**   SELECT * FROM segment_compare('enrollments', 'user_id', 'program',
**                                 'enrolled_at', 'user_type');
**   SELECT * FROM segment_cells('enrollments') WHERE group_col = 'account'
**      AND compare_group = 'largest';
**
** How it works. One pass over the users (from the cache, or streamed)
** shapes each journey as first_program does (rules 4-8) and keeps, per
** user, the starts of steps 1 and 2, their labels, the segment and the
** group (cmp_user, 32 bytes). Once E is known (rule 17) each user gets a
** time and a status as continuation_stats gives them (cmpTimes, the same
** arithmetic as lp_survival.c's kmTimes); the compared segment (the user's
** segment, or the group against the rest) and the stratum (the segment the
** group is compared within) become keys, names become their places in name
** order, and the users are sorted twice: by (stratum, first step, time)
** and by (stratum, time). Each stratum's tables are then made from runs of
** those orders: a table's users as (segment, category) pairs, sorted and
** counted (O(m log m) for m users), folded by Cochran's rule, tested by
** lp_stats.c (rule 22). O(n log n) over n users, nothing per user in SQL.
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

/* Most cells a table may have (segments x categories) to be tested. */

/* ------------------------------------------------------------- the pass */

typedef struct cmp_pass {
    cmp_user *aUser;
    int64_t nUser, nUserAlloc;
    int64_t tLast;            /* the latest enrollment time met (rule 17's E) */
    int hasLast;
    int64_t E;
} cmp_pass;
/* Does holding nByte more than the users and the shaper pass the budget? */
static int cmpCheckBudget(const lp_users *pIt, const lp_shaper *pSh, int64_t nByte, char **pzErr) {
    int64_t nLimit = learnpath_users_limit(pIt);
    if (nLimit == 0) return SQLITE_OK;
    if (learnpath_users_held(pIt) + learnpath_shaper_bytes(pSh) + nByte <= nLimit) return SQLITE_OK;
    if (pIt->pStream == NULL) return LP_RC_OVER_BUDGET;
    return learnpath_users_budget_error(pIt, 0, pSh->groups.n, pzErr);
}

/* Keep the user just shaped (kept by rules 1-8). */
static int cmpAddUser(cmp_pass *pP, const lp_users *pIt, const lp_shaper *pSh, char **pzErr) {
    if (pP->nUser >= pP->nUserAlloc) {
        int64_t nNew = pP->nUserAlloc ? pP->nUserAlloc * 2 : 256;
        int rc = cmpCheckBudget(pIt, pSh, nNew * (int64_t)sizeof(cmp_user), pzErr);
        if (rc) return rc;
        cmp_user *aNew = sqlite3_realloc64(pP->aUser, (sqlite3_uint64)nNew * sizeof(cmp_user));
        if (!aNew) return SQLITE_NOMEM;
        pP->aUser = aNew;
        pP->nUserAlloc = nNew;
    }
    cmp_user *pU = &pP->aUser[pP->nUser++];
    pU->s1 = pSh->aStep[0].t;
    pU->b.s2 = pSh->nStep > 1 ? pSh->aStep[1].t : CMP_NO_STEP;
    pU->dest = pSh->nStep > 1 ? pSh->aStep[1].label : LP_NONE;
    pU->seg = pSh->segment;
    pU->label = pSh->aStep[0].label;
    pU->grp = learnpath_users_group(pIt, pIt->u);
    return SQLITE_OK;
}

/* Rule 17: each user's time and status once E is known; the users whose
** step 1 starts after E are left out (as lp_survival.c's kmTimes). */
static void cmpTimes(cmp_pass *pP, const lp_shape_spec *pShape, const lp_cmp_spec *pSpec) {
    int64_t E = pSpec->hasObserveUntil ? pSpec->observeUntil : pP->tLast;
    int64_t n = 0;
    pP->E = E;
    for (int64_t i = 0; i < pP->nUser; i++) {
        cmp_user u = pP->aUser[i];
        if (u.s1 > E) continue;
        if (u.b.s2 != CMP_NO_STEP && u.b.s2 <= E) {
            u.b.t = (double)(u.b.s2 - u.s1) / LP_MS_PER_DAY;
        } else if (pShape->hasWithin && (double)(E - u.s1) > pShape->withinDays * LP_MS_PER_DAY) {
            u.b.t = pShape->withinDays;
            u.dest = LP_NONE;
        } else {
            u.b.t = (double)(E - u.s1) / LP_MS_PER_DAY;
            u.dest = LP_NONE;
        }
        pP->aUser[n++] = u;
    }
    pP->nUser = n;
}

/*
** compare_group: the group's number in pIt->groups into *pGroup. 'largest'
** is the group with the most users kept by rules 1-8 (before rule 17's E,
** as group_stats counts them without segment_col), ties to the first name
** in byte order. An error when no user has that group.
*/
static int cmpFindGroup(const cmp_pass *pP, const lp_users *pIt, const lp_cmp_spec *pSpec,
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
        for (int64_t i = 0; aN && i < pP->nUser; i++) {
            if (pP->aUser[i].grp != LP_NONE) aN[pP->aUser[i].grp]++;
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

/* --------------------------------------------------------------- strata */

/* A user's place in the orders: its time's bits (t >= 0, so they order as
** the times do), stratum, first step and number. */
typedef struct cmp_key {
    uint64_t key;
    uint32_t seg, label, i, pad;
} cmp_key;

/* aOut = aIn stably by stratum (bySeg) or first step, keys below nKey: a
** counting sort (aCount: nKey + 1 counters). */
static void cmpStableBy(const cmp_key *aIn, cmp_key *aOut, int64_t n, int bySeg, int64_t *aCount,
                        uint32_t nKey) {
    memset(aCount, 0, ((size_t)nKey + 1) * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) aCount[(bySeg ? aIn[i].seg : aIn[i].label) + 1]++;
    for (uint32_t k = 0; k < nKey; k++) aCount[k + 1] += aCount[k];
    for (int64_t i = 0; i < n; i++) aOut[aCount[bySeg ? aIn[i].seg : aIn[i].label]++] = aIn[i];
}

/*
** The users in the two orders of the strata, without a comparison sort:
** by time (an LSD radix sort of the times' bits, a byte at a time, skipping
** the bytes every key shares), then stably by first step and by stratum
** (counting sorts), into *paL; the time order stably by stratum alone into
** *paT (as lp_survival.c orders its strata). nLabel and nSeg bound the
** keys. The caller frees both.
*/
static int cmpOrder(const cmp_pass *pP, uint32_t nLabel, uint32_t nSeg, cmp_user **paL,
                    cmp_user **paT) {
    int64_t n = pP->nUser;
    uint32_t nKey = nLabel > nSeg ? nLabel : nSeg;
    cmp_key *aBase = sqlite3_malloc64((sqlite3_uint64)(n + 1) * 3 * sizeof(cmp_key));
    cmp_key *a = aBase, *b, *c;
    int64_t *aCount = sqlite3_malloc64(((sqlite3_uint64)nKey + 2) * sizeof(int64_t));
    uint64_t all1 = ~(uint64_t)0, any1 = 0;
    *paL = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(cmp_user));
    *paT = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(cmp_user));
    if (!aBase || !aCount || !*paL || !*paT) {
        sqlite3_free(aBase);
        sqlite3_free(aCount);
        return SQLITE_NOMEM;
    }
    b = aBase + n + 1;
    c = aBase + 2 * (n + 1);
    for (int64_t i = 0; i < n; i++) {
        const cmp_user *pU = &pP->aUser[i];
        memcpy(&a[i].key, &pU->b.t, sizeof(uint64_t));
        a[i].seg = pU->seg;
        a[i].label = pU->label;
        a[i].i = (uint32_t)i;
        a[i].pad = 0;
        all1 &= a[i].key;
        any1 |= a[i].key;
    }
    for (int shift = 0; shift < 64; shift += 8) {
        int64_t aByte[257];
        if ((((all1 ^ any1) >> shift) & 0xff) == 0) continue; /* one value in every key */
        memset(aByte, 0, sizeof aByte);
        for (int64_t i = 0; i < n; i++) aByte[((a[i].key >> shift) & 0xff) + 1]++;
        for (int d = 0; d < 256; d++) aByte[d + 1] += aByte[d];
        for (int64_t i = 0; i < n; i++) b[aByte[(a[i].key >> shift) & 0xff]++] = a[i];
        cmp_key *t = a;
        a = b;
        b = t;
    }
    /* a: by time; b: (stratum, time) for *paT; c, then b: (stratum, label, time) */
    cmpStableBy(a, b, n, 1, aCount, nSeg);
    for (int64_t i = 0; i < n; i++) (*paT)[i] = pP->aUser[b[i].i];
    cmpStableBy(a, c, n, 0, aCount, nLabel);
    cmpStableBy(c, b, n, 1, aCount, nSeg);
    for (int64_t i = 0; i < n; i++) (*paL)[i] = pP->aUser[b[i].i];
    sqlite3_free(aBase);
    sqlite3_free(aCount);
    return SQLITE_OK;
}

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

/*
** One stratum's rows and cells: aL its users by (first step, time), aT by
** time. first_program, next_program per first step, continued over all,
** then per first step; Holm's adjustment across first steps.
*/
static int cmpStratum(cmp_build *pB, const cmp_user *aL, const cmp_user *aT, int64_t m) {
    int64_t i0 = pB->pRes->nRow, nPair = 0;
    int rc = SQLITE_OK;
    pB->within = aL[0].seg == 0 ? LP_NONE : pB->aSegOf[aL[0].seg - 1];
    pB->question = LP_CMP_FIRST;
    pB->program = LP_NONE;
    for (int64_t i = 0; i < m; i++) pB->aPair[i] = (uint64_t)aL[i].grp << 32 | aL[i].label;
    rc = learnpath_cmp_pairs_table(pB, m);
    pB->question = LP_CMP_NEXT;
    for (int64_t i = 0; i < m && rc == SQLITE_OK;) {
        int64_t e = i;
        while (e < m && aL[e].label == aL[i].label) e++;
        pB->program = pB->aLabelOf[aL[i].label];
        nPair = 0;
        for (int64_t k = i; k < e; k++) {
            if (CMP_EVENT(&aL[k])) pB->aPair[nPair++] = (uint64_t)aL[k].grp << 32 | aL[k].dest;
        }
        if (nPair == 0) {
            static const int aTests[2] = {LP_CMP_PEARSON, LP_CMP_G};
            rc = learnpath_cmp_note_rows(pB, aTests, 2, 0, "nobody continued");
        } else {
            rc = learnpath_cmp_pairs_table(pB, nPair);
        }
        i = e;
    }
    pB->question = LP_CMP_CONTINUED;
    pB->program = LP_NONE;
    if (rc == SQLITE_OK) rc = learnpath_cmp_logrank(pB, aT, m);
    if (rc == SQLITE_OK) rc = learnpath_cmp_horizon(pB, aT, m);
    for (int64_t i = 0; i < m && rc == SQLITE_OK;) {
        int64_t e = i;
        while (e < m && aL[e].label == aL[i].label) e++;
        pB->program = pB->aLabelOf[aL[i].label];
        rc = learnpath_cmp_logrank(pB, aL + i, e - i);
        if (rc == SQLITE_OK) rc = learnpath_cmp_horizon(pB, aL + i, e - i);
        i = e;
    }
    return rc ? rc : cmpHolm(pB, i0);
}

/*
** The keys (rule 23): seg becomes the stratum (0: none; else the segment's
** place + 1), grp the compared segment (the segment's place, or the group
** and the rest), label and dest their places in name order. Users with no
** segment are left out when segment_col is given. *paSegOf, *paLabelOf:
** the way back (the caller frees them).
*/
static int cmpKeys(cmp_pass *pP, const lp_shaper *pSh, const lp_cmp_result *pRes,
                   const lp_cmp_spec *pSpec, uint32_t **paSegOf, uint32_t **paLabelOf) {
    const lp_data *pD = pSh->pData;
    uint32_t nLabel = pD->programs.n + pSh->groups.n;
    uint32_t *aLabelRank = NULL, *aSegRank = NULL;
    int rc = learnpath_label_ranks(pSh, NULL, nLabel, 0, &aLabelRank);
    if (rc == SQLITE_OK) rc = learnpath_label_ranks(NULL, &pD->segments, pD->segments.n, 0, &aSegRank);
    if (rc == SQLITE_OK) {
        *paSegOf = sqlite3_malloc64(((sqlite3_uint64)pD->segments.n + 1) * sizeof(uint32_t));
        *paLabelOf = sqlite3_malloc64(((sqlite3_uint64)nLabel + 1) * sizeof(uint32_t));
        if (!*paSegOf || !*paLabelOf) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) {
        int64_t n = 0;
        for (uint32_t s = 0; s < pD->segments.n; s++) (*paSegOf)[aSegRank[s]] = s;
        for (uint32_t l = 0; l < nLabel; l++) {
            (*paLabelOf)[aLabelRank[l]] = l < pD->programs.n ? l : LP_GROUP_BIT | (l - pD->programs.n);
        }
        for (int64_t i = 0; i < pP->nUser; i++) {
            cmp_user u = pP->aUser[i];
            uint32_t segRank = u.seg == LP_NONE ? 0 : aSegRank[u.seg];
            if (pSpec->useSegments && u.seg == LP_NONE) continue;
            if (pRes->isGroupMode) {
                u.grp = u.grp == pRes->group ? LP_CMP_THE_GROUP : LP_CMP_THE_REST;
                u.seg = pSpec->useSegments ? segRank + 1 : 0;
            } else {
                u.grp = segRank;
                u.seg = 0;
            }
            u.label = aLabelRank[learnpath_label_index(pD, u.label)];
            if (CMP_EVENT(&u)) u.dest = aLabelRank[learnpath_label_index(pD, u.dest)];
            pP->aUser[n++] = u;
        }
        pP->nUser = n;
    }
    sqlite3_free(aLabelRank);
    sqlite3_free(aSegRank);
    return rc;
}

/* Every stratum: the users sorted twice, then each run. */
static int cmpStrata(cmp_build *pB, cmp_pass *pP, uint32_t nLabel, uint32_t nSeg) {
    int64_t n = pP->nUser;
    cmp_user *aL = NULL, *aT = NULL;
    int rc = SQLITE_OK;
    pB->aT = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(double));
    pB->aEv = sqlite3_malloc64((sqlite3_uint64)(n + 1));
    pB->aGrp = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(uint32_t));
    pB->aPair = sqlite3_malloc64((sqlite3_uint64)(n + 1) * 2 * sizeof(uint64_t));
    pB->aPairTmp = pB->aPair ? pB->aPair + n + 1 : NULL;
    pB->nSegKey = pB->pRes->isGroupMode ? 2 : nSeg + 1;
    pB->aSeen = sqlite3_malloc64((sqlite3_uint64)pB->nSegKey * 2 * sizeof(uint32_t));
    pB->aPlace = pB->aSeen ? pB->aSeen + pB->nSegKey : NULL;
    pB->aCount = sqlite3_malloc64((sqlite3_uint64)pB->nSegKey * 2 * sizeof(int64_t));
    if (!pB->aT || !pB->aEv || !pB->aGrp || !pB->aPair || !pB->aSeen || !pB->aCount) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK) memset(pB->aSeen, 0, (size_t)pB->nSegKey * sizeof(uint32_t));
    if (rc == SQLITE_OK) rc = cmpOrder(pP, nLabel, nSeg + 1, &aL, &aT);
    for (int64_t i = 0; i < n && rc == SQLITE_OK;) {
        int64_t e = i;
        while (e < n && aL[e].seg == aL[i].seg) e++;
        rc = cmpStratum(pB, aL + i, aT + i, e - i);
        i = e;
    }
    if (rc == SQLITE_OK && n == 0) {
        /* nobody to compare: one row per question says so */
        static const int aT2[2] = {LP_CMP_PEARSON, LP_CMP_G}, aLr[1] = {LP_CMP_LOGRANK};
        pB->within = pB->program = LP_NONE;
        pB->question = LP_CMP_FIRST;
        rc = learnpath_cmp_note_rows(pB, aT2, 2, 0, "no user to compare");
        pB->question = LP_CMP_CONTINUED;
        if (rc == SQLITE_OK) rc = learnpath_cmp_note_rows(pB, aLr, 1, 0, "no user to compare");
    }
    sqlite3_free(aL);
    sqlite3_free(aT);
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

/* See lp_journey.h. */
int learnpath_cmp_build(lp_users *pIt, lp_shaper *pSh, const lp_cmp_spec *pSpec,
                        lp_cmp_result *pRes, char **pzErr) {
    cmp_pass P;
    cmp_build B;
    uint32_t *aSegOf = NULL, *aLabelOf = NULL;
    int rc = SQLITE_OK;
    memset(&P, 0, sizeof(P));
    memset(&B, 0, sizeof(B));
    memset(pRes, 0, sizeof(*pRes));
    for (; !pIt->eof && rc == SQLITE_OK; rc = rc ? rc : learnpath_users_next(pIt, pzErr)) {
        const lp_data *pD = pIt->pData;
        uint32_t u = pIt->u;
        int keep;
        if (pD->aFirst[u + 1] > pD->aFirst[u]) {
            /* the user's enrollments lie sorted by time: the last is the latest */
            int64_t t = pD->aT[pD->aFirst[u + 1] - 1];
            if (!P.hasLast || t > P.tLast) P.tLast = t;
            P.hasLast = 1;
        }
        rc = learnpath_shape_user(pSh, u, &keep);
        if (rc == SQLITE_OK && keep) rc = cmpAddUser(&P, pIt, pSh, pzErr);
    }
    pRes->isGroupMode = pSpec->zGroup != NULL || pSpec->isLargest;
    if (rc == SQLITE_OK && pRes->isGroupMode) rc = cmpFindGroup(&P, pIt, pSpec, &pRes->group, pzErr);
    if (rc == SQLITE_OK) cmpTimes(&P, pSh->pSpec, pSpec);
    if (rc == SQLITE_OK) rc = cmpKeys(&P, pSh, pRes, pSpec, &aSegOf, &aLabelOf);
    if (rc == SQLITE_OK) {
        /* the orders' keys (72 bytes a user), two sorted copies and the
        ** scratch (29): about six times the users */
        rc = cmpCheckBudget(pIt, pSh, P.nUserAlloc * (int64_t)sizeof(cmp_user) * 6, pzErr);
    }
    if (rc == SQLITE_OK) {
        B.pRes = pRes;
        B.pSpec = pSpec;
        B.pSh = pSh;
        B.aLabelOf = aLabelOf;
        B.aSegOf = aSegOf;
        B.E = P.E;
        rc = cmpStrata(&B, &P, pSh->pData->programs.n + pSh->groups.n, pSh->pData->segments.n);
    }
    sqlite3_free(B.aT);
    sqlite3_free(B.aEv);
    sqlite3_free(B.aGrp);
    sqlite3_free(B.aPair);
    sqlite3_free(B.aSeen);
    sqlite3_free(B.aCount);
    sqlite3_free(P.aUser);
    sqlite3_free(aSegOf);
    sqlite3_free(aLabelOf);
    if (rc) learnpath_cmp_free(pRes);
    return rc;
}

