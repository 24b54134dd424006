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
** users sorted once), shared with them: learnpath_km_orders gives two of
** its orders, by (stratum, first step, time) and by (stratum, time), where
** the stratum is the segment a group is compared within (the main order and
** the by-segment one) or none (the orders over every segment). Each user
** becomes a cmp_user whose compared segment (the user's segment, or the
** group against the rest) and stratum are keys, names their places in name
** order (cmpUsers). Each stratum's tables are then made from runs of those
** orders: a table's users as (segment, category) pairs, sorted and counted
** (O(m log m) for m users), folded by Cochran's rule, tested by lp_stats.c
** (rule 22). Nothing per user in SQL.
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

/* ------------------------------------------------------------ the users */

/* A user's group (rule 12) from the continuation memo's uid: streamed, the
** group itself; in memory, the user's number in the data. */
static uint32_t cmpGroupOf(const lp_users *pIt, const lp_km_users_info *pInfo, uint32_t uid) {
    return pInfo->isUidGroup ? uid : learnpath_users_group(pIt, uid);
}

/*
** compare_group: the group's number in pIt->groups into *pGroup. 'largest'
** is the group with the most users kept by rules 1-8 (those of the memo and
** those left out for starting after E, as group_stats counts them without
** segment_col), ties to the first name in byte order. An error when no user
** has that group.
*/
static int cmpFindGroup(const lp_km_order_view *pV, const lp_km_users_info *pInfo,
                        const lp_users *pIt, const lp_cmp_spec *pSpec, uint32_t *pGroup,
                        char **pzErr) {
    const lp_strtab *pG = &pIt->groups;
    char *zCol = learnpath_quote(pSpec->zGroupCol ? pSpec->zGroupCol : "");
    int rc = SQLITE_OK;
    if (!zCol) return SQLITE_NOMEM;
    if (pSpec->isLargest) {
        int64_t *aN = sqlite3_malloc64(((sqlite3_uint64)pG->n + 1) * sizeof(int64_t));
        uint32_t best = LP_NONE;
        if (!aN) rc = SQLITE_NOMEM;
        if (aN) memset(aN, 0, ((size_t)pG->n + 1) * sizeof(int64_t));
        for (int64_t i = 0; aN && i < pV->nUser + pInfo->nLate; i++) {
            uint32_t uid = i < pV->nUser ? pV->aUid[i] : pInfo->aLateUid[i - pV->nUser];
            uint32_t g = cmpGroupOf(pIt, pInfo, uid);
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
** The users of one order of the continuation memo as rule 23's keys, into
** *paOut (the caller frees it), *pn of them: seg the stratum (0: none;
** with a group compared within segments, the segment's place + 1), grp the
** compared segment (the segment's place, or the group and the rest; 0 for
** all without segment_col), label the first step's place (of the order's
** runs; 0 in an order over every step, where it is not read), dest step
** 2's. Users without a segment are left out when segment_col is given.
*/
static int cmpUsers(const lp_km_order_view *pV, const lp_km_users_info *pInfo, const lp_users *pIt,
                    const lp_cmp_result *pRes, const lp_cmp_spec *pSpec, cmp_user **paOut,
                    int64_t *pn) {
    cmp_user *a = sqlite3_malloc64((sqlite3_uint64)(pV->nUser + 1) * sizeof(cmp_user));
    int64_t n = 0;
    if (!a) return SQLITE_NOMEM;
    for (int64_t r = 0; r < pV->nRun; r++) {
        const lp_km_run *pR = &pV->aRun[r];
        for (int64_t i = pR->iFirst; i < pR->iFirst + pR->n; i++) {
            uint32_t segKey = pV->aSeg[i];
            cmp_user *pU;
            if (pSpec->useSegments && segKey == 0) continue;
            pU = &a[n++];
            pU->s1 = pV->aS1[i];
            pU->b.t = pV->aT[i];
            pU->dest = pV->aDest[i];
            pU->label = pR->label == LP_NONE ? 0 : pR->label;
            if (pRes->isGroupMode) {
                uint32_t g = cmpGroupOf(pIt, pInfo, pV->aUid[i]);
                pU->grp = g == pRes->group ? LP_CMP_THE_GROUP : LP_CMP_THE_REST;
                pU->seg = pSpec->useSegments ? segKey : 0;
            } else {
                pU->grp = pSpec->useSegments ? segKey - 1 : 0;
                pU->seg = 0;
            }
        }
    }
    *paOut = a;
    *pn = n;
    return SQLITE_OK;
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

/* Every stratum: aL the users by (stratum, first step, time), aT by
** (stratum, time), n of each; each run of a stratum. */
static int cmpStrata(cmp_build *pB, const cmp_user *aL, const cmp_user *aT, int64_t n,
                     uint32_t nSeg) {
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
int learnpath_cmp_build(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape,
                        const lp_cmp_spec *pSpec, lp_cmp_result *pRes, lp_km_memo **ppKm,
                        char **pzErr) {
    lp_km_spec ks;
    lp_km_order_view vL, vT;
    lp_km_users_info info;
    cmp_build B;
    cmp_user *aL = NULL, *aT = NULL;
    int64_t nL = 0, nT = 0;
    int rc, isWithin;
    memset(&ks, 0, sizeof(ks));
    memset(&B, 0, sizeof(B));
    memset(pRes, 0, sizeof(*pRes));
    *ppKm = NULL;
    ks.hasObserveUntil = pSpec->hasObserveUntil;
    ks.observeUntil = pSpec->observeUntil;
    pRes->isGroupMode = pSpec->zGroup != NULL || pSpec->isLargest;
    /* the strata: the segments when a group is compared within them, else one */
    isWithin = pRes->isGroupMode && pSpec->useSegments;
    rc = learnpath_km_orders(pIt, pSh, pShape, &ks, isWithin ? LP_KM_BY_STEP : LP_KM_BY_STEP_ALLSEG,
                             isWithin ? LP_KM_BY_SEG : LP_KM_BY_TIME, ppKm, &vL, &vT, &info, pzErr);
    if (rc == SQLITE_OK && pRes->isGroupMode) {
        rc = cmpFindGroup(&vL, &info, pIt, pSpec, &pRes->group, pzErr);
    }
    if (rc == SQLITE_OK) {
        /* the memo, two copies of the users as cmp_user and the scratch (29
        ** bytes a user) */
        int64_t nLimit = learnpath_users_limit(pIt);
        if (nLimit > 0 && learnpath_users_held(pIt) + info.nMemoByte +
                                  vL.nUser * (2 * (int64_t)sizeof(cmp_user) + 29) > nLimit) {
            rc = pIt->pStream == NULL ? LP_RC_OVER_BUDGET
                                      : learnpath_users_budget_error(pIt, 0, 0, pzErr);
        }
    }
    if (rc == SQLITE_OK) rc = cmpUsers(&vL, &info, pIt, pRes, pSpec, &aL, &nL);
    if (rc == SQLITE_OK) rc = cmpUsers(&vT, &info, pIt, pRes, pSpec, &aT, &nT);
    if (rc == SQLITE_OK) {
        B.pRes = pRes;
        B.pSpec = pSpec;
        B.pSh = learnpath_km_shaper(*ppKm);
        B.aLabelOf = info.aLabelOf;
        B.aSegOf = info.aSegOf;
        B.E = info.E;
        rc = cmpStrata(&B, aL, aT, nL < nT ? nL : nT, info.nSeg);
    }
    sqlite3_free(B.aT);
    sqlite3_free(B.aEv);
    sqlite3_free(B.aGrp);
    sqlite3_free(B.aPair);
    sqlite3_free(B.aSeen);
    sqlite3_free(B.aCount);
    sqlite3_free(aL);
    sqlite3_free(aT);
    if (rc) {
        learnpath_cmp_free(pRes);
        learnpath_km_memo_unref(*ppKm);
        *ppKm = NULL;
    }
    return rc;
}
