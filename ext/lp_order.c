/*
** lp_order.c - first_program's users in the order an ORDER BY or GROUP BY
** asks (rule 10), so SQLite needs no sorter: up to three of segment,
** program and next_program, ascending (keys LP_KEY_*), then user_id.
**
** The users are shaped once for their combination of the keys' labels;
** the (few) combinations are sorted by the labels' names, and the users are
** placed by a counting sort over the combinations: linear in the users.
** Users alike in the keys stay in user_id order. The order is SQLite's
** (BINARY) order of the labels' texts; rule 4 gives every step its own
** text (a tie group is never labelled like a program), and labels of equal
** text, were there any, would share one place, as SQL groups them.
*/
#include <string.h>

#include "lp_journey.h"

/* A combination of the ORDER BY's keys' values, and its users. */
typedef struct order_combo {
    uint32_t aLabel[3]; /* by JRN_KEY_* - 1; LP_NONE: NULL; 0 for a key not asked */
    uint32_t nUser;
    uint32_t aRank[3];  /* the labels' places in SQL order (NULL first; equal texts equal) */
    uint32_t iClass;    /* the combinations of equal ranks, numbered in order */
} order_combo;

typedef struct order_combo_set {
    order_combo *a;
    uint32_t n, nAlloc;
    uint32_t *aSlot;    /* combo + 1, 0 = empty */
    uint32_t nSlot;
    lp_hash_seed seed;  /* drawn with aSlot: which combinations appear is */
                        /*   the data's choice (lp_base.h) */
    int code;           /* the ORDER BY's keys (tvf_user.c) */
} order_combo_set;

static uint32_t orderComboHash(const order_combo_set *pS, const uint32_t *aLabel) {
    return learnpath_hash_pair(((uint64_t)aLabel[0] << 32) | aLabel[1], aLabel[2], &pS->seed);
}

/* Combination c's hash (learnpath_hash_probe_report). */
static uint32_t orderComboHashAt(const void *pCtx, uint32_t c) {
    const order_combo_set *pS = pCtx;
    return orderComboHash(pS, pS->a[c].aLabel);
}

/* The combination of aLabel (created if new) into *piCombo. */
static int orderComboFor(order_combo_set *pS, const uint32_t *aLabel, uint32_t *piCombo) {
    uint32_t j;
    if (2 * (uint64_t)(pS->n + 1) > pS->nSlot) {
        uint64_t nSlot = pS->nSlot ? 2 * (uint64_t)pS->nSlot : 64;
        if (nSlot > 0x80000000u) return SQLITE_TOOBIG;
        uint32_t *aSlot = sqlite3_malloc64(nSlot * sizeof(uint32_t));
        if (!aSlot) return SQLITE_NOMEM;
        memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
        if (pS->aSlot == NULL) learnpath_hash_seed(&pS->seed);
        for (uint32_t c = 0; c < pS->n; c++) {
            for (j = orderComboHashAt(pS, c) & (nSlot - 1); aSlot[j]; j = (j + 1) & (nSlot - 1)) {
            }
            aSlot[j] = c + 1;
        }
        sqlite3_free(pS->aSlot);
        pS->aSlot = aSlot;
        pS->nSlot = (uint32_t)nSlot;
    }
    for (j = orderComboHash(pS, aLabel) & (pS->nSlot - 1); pS->aSlot[j]; j = (j + 1) & (pS->nSlot - 1)) {
        const order_combo *p = &pS->a[pS->aSlot[j] - 1];
        if (memcmp(p->aLabel, aLabel, sizeof(p->aLabel)) == 0) {
            *piCombo = pS->aSlot[j] - 1;
            return SQLITE_OK;
        }
    }
    if (pS->n >= pS->nAlloc) {
        uint32_t nNew = pS->nAlloc ? pS->nAlloc * 2 : 64;
        order_combo *aNew = sqlite3_realloc64(pS->a, (sqlite3_uint64)nNew * sizeof(order_combo));
        if (!aNew) return SQLITE_NOMEM;
        pS->a = aNew;
        pS->nAlloc = nNew;
    }
    memset(&pS->a[pS->n], 0, sizeof(order_combo));
    memcpy(pS->a[pS->n].aLabel, aLabel, sizeof(pS->a[pS->n].aLabel));
    pS->aSlot[j] = pS->n + 1;
    *piCombo = pS->n++;
    return SQLITE_OK;
}

/* Combinations in the ORDER BY's order: its keys' ranks, one after another. */
static int orderComboCmp(void *pCtx, uint32_t a, uint32_t b) {
    const order_combo_set *pS = pCtx;
    for (int i = 0; i < 3; i++) {
        int k = (pS->code >> (2 * i)) & 3;
        if (k == LP_KEY_END) break;
        uint32_t ra = pS->a[a].aRank[k - 1], rb = pS->a[b].aRank[k - 1];
        if (ra != rb) return ra < rb ? -1 : 1;
    }
    return 0;
}

/*
** Shape each user of pD once and number its combination of the keys'
** labels into aCombo[position in user_id order] (LP_NONE: left out by rule
** 7), counting the users of each combination; *pnKept: the users kept.
*/
static int orderCombos(const lp_data *pD, lp_shaper *pSh, order_combo_set *pS, uint32_t *aCombo,
                       uint32_t *pnKept) {
    int code = pS->code, rc = SQLITE_OK;
    *pnKept = 0;
    for (uint32_t i = 0; i < pD->nUser && rc == SQLITE_OK; i++) {
        int keep;
        aCombo[i] = LP_NONE;
        rc = learnpath_shape_user(pSh, LP_USER_AT(pD, i), &keep);
        if (rc || !keep) continue;
        /* only the keys asked: users alike in them stay in user_id order */
        uint32_t aLabel[3] = {0, 0, 0};
        for (int j = 0; j < 3 && LP_KEY_AT(code, j); j++) {
            int k = LP_KEY_AT(code, j);
            aLabel[k - 1] = k == LP_KEY_SEGMENT   ? pSh->segment
                            : k == LP_KEY_PROGRAM ? pSh->aStep[0].label
                            : pSh->nStep > 1      ? pSh->aStep[1].label
                                                  : LP_NONE;
        }
        rc = orderComboFor(pS, aLabel, &aCombo[i]);
        if (rc == SQLITE_OK) pS->a[aCombo[i]].nUser++;
        (*pnKept)++;
    }
    return rc;
}

/*
** Rank the combinations' labels by name (the tie groups are all known once
** every user is shaped) and sort the combinations into *paAt.
*/
static int orderSortCombos(const lp_data *pD, const lp_shaper *pSh, order_combo_set *pS,
                           uint32_t **paAt) {
    uint32_t *aLabelRank = NULL, *aSegRank = NULL;
    int code = pS->code;
    int rc = learnpath_label_ranks(pSh, NULL, pD->programs.n + pSh->groups.n, 1, &aLabelRank);
    if (rc == SQLITE_OK) rc = learnpath_label_ranks(NULL, &pD->segments, pD->segments.n, 1, &aSegRank);
    if (rc == SQLITE_OK) {
        for (uint32_t c = 0; c < pS->n; c++) {
            order_combo *p = &pS->a[c];
            for (int j = 0; j < 3 && LP_KEY_AT(code, j); j++) {
                int k = LP_KEY_AT(code, j);
                uint32_t L = p->aLabel[k - 1];
                p->aRank[k - 1] = L == LP_NONE           ? 0
                                  : k == LP_KEY_SEGMENT ? aSegRank[L] + 1
                                                        : aLabelRank[learnpath_label_index(pD, L)] + 1;
            }
        }
        rc = learnpath_sort_index(pS->n, orderComboCmp, pS, paAt);
    }
    sqlite3_free(aLabelRank);
    sqlite3_free(aSegRank);
    return rc;
}

/*
** Combinations alike in every key asked (equal texts) are one class; set
** each combination's class and turn aAt (sorted combinations) into each
** class's first place.
*/
static void orderClasses(order_combo_set *pS, uint32_t *aAt) {
    uint32_t nBefore = 0, nClass = 0, iPrev = 0;
    for (uint32_t c = 0; c < pS->n; c++) {
        uint32_t iCombo = aAt[c]; /* aAt[c] is free once read */
        if (c == 0 || orderComboCmp(pS, iPrev, iCombo) != 0) aAt[nClass++] = nBefore;
        pS->a[iCombo].iClass = nClass - 1;
        nBefore += pS->a[iCombo].nUser;
        iPrev = iCombo;
    }
}

/* See lp_journey.h. */
int learnpath_order_users(const lp_data *pD, lp_shaper *pSh, int code, uint32_t **paPerm,
                          uint32_t **paKept, uint32_t *pnPerm) {
    order_combo_set S;
    uint32_t *aCombo, *aAt = NULL, *aPerm = NULL, *aKept = NULL;
    uint32_t n = pD->nUser, nKept = 0;
    int rc;

    *paPerm = *paKept = NULL;
    *pnPerm = 0;
    pSh->localLabels = 0; /* every user's labels are ranked together */
    memset(&S, 0, sizeof(S));
    S.code = code;
    aCombo = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(uint32_t));
    if (!aCombo) return SQLITE_NOMEM;
    rc = orderCombos(pD, pSh, &S, aCombo, &nKept);
    if (learnpath_hash_probe_hook && S.aSlot) {
        learnpath_hash_probe_report("combinations", S.aSlot, S.nSlot, orderComboHashAt, &S);
    }
    if (rc == SQLITE_OK) rc = orderSortCombos(pD, pSh, &S, &aAt);
    if (rc == SQLITE_OK) {
        orderClasses(&S, aAt);
        aPerm = sqlite3_malloc64((sqlite3_uint64)(nKept ? nKept : 1) * sizeof(uint32_t));
        if (!aPerm) rc = SQLITE_NOMEM;
        if (rc == SQLITE_OK && nKept < n) {
            aKept = sqlite3_malloc64((sqlite3_uint64)(nKept ? nKept : 1) * sizeof(uint32_t));
            if (!aKept) rc = SQLITE_NOMEM;
        }
    }
    if (rc == SQLITE_OK) {
        /* the kept users in user_id order, by their number there (the
        ** rowid the same user has in any order), into their class's places */
        uint32_t k = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (aCombo[i] == LP_NONE) continue;
            if (aKept) aKept[k] = LP_USER_AT(pD, i);
            aPerm[aAt[S.a[aCombo[i]].iClass]++] = k++;
        }
        *paPerm = aPerm;
        *paKept = aKept;
        *pnPerm = nKept;
    } else {
        sqlite3_free(aPerm);
        sqlite3_free(aKept);
    }
    sqlite3_free(aCombo);
    sqlite3_free(aAt);
    sqlite3_free(S.a);
    sqlite3_free(S.aSlot);
    return rc;
}
