/*
** lp_shape.c - turn one user's enrollments into a journey (rules 4-8).
**
** The read layer leaves each user's enrollments together, sorted by time,
** program name and segment name. A shaper walks one user's enrollments and produces the
** steps of the journey into its own scratch buffer, so journeys cost no
** memory beyond the user being shaped; the functions of the SQL layer
** shape users one after another as they produce rows.
**
** RULES (numbered as in README.md; tests cite them)
**   4. Enrollments are ordered by time. ties='group' makes enrollments at one
**      instant one step named by their distinct programs, sorted by name
**      and joined by ' + '; ties='name' orders them by program name and
**      keeps each. `tied` = 1 when the first instant holds more than one
**      distinct program, under either policy. A group whose name would be
**      a program's name too, or one of whose programs' names has a lone
**      '+' or begins with '"', is named "A" + "B" instead (each program
**      quoted, quotes doubled; then " (2)", " (3)", ... until it is no
**      program's name): every step's label is its own (shapeNameGroup).
**   5. repeats='collapse' merges consecutive steps with the same program
**      into the first; 'keep' keeps each; 'first_only' drops every
**      enrollment in a program the user already had, before steps form.
**   6. A user's segment is the first non-empty segment value, taking the
**      enrollments in the read layer's order: time, then program name,
**      then segment name (byte order). The order is total, so the segment
**      never depends on the order of the rows.
**   7. since/until keep users whose first step starts in [since, until);
**      their whole journeys are used.
**   8. within_days = N ends a journey at the first gap between step starts
**      longer than N days (after rule 5).
**
** Tie groups are interned in the shaper, keyed by their members' program
** numbers (so `programs` can count the members): a label with LP_GROUP_BIT
** set is a group, any other a program. Each group is named when first met,
** from its members' names and the data's programs' names only, so a group
** has the same label whatever the users a query keeps, the order rows come
** in, or whether the data is held or streamed. Labels are ranked by their
** text (learnpath_label_ranks) where rows are ordered by name.
**
** Why the rule of 4 gives every step its own label. Call a name plain when
** it has no lone '+' (a '+' with a space or the name's end on each side)
** and does not begin with '"'. Split at ' + ', a join of plain names gives
** back exactly its names: each ' + ' in it is a separator, since one
** inside a name, or across a name's edge, would be a lone '+' of that
** name. So two groups of plain names named by the join differ, and such a
** name is never a program's (it is used only when no program of the data
** has it). The quoted form begins with '"', which a join of plain names
** never does; its programs are read back from the quotes, and the suffix
** " (k)" from its end (the quoted form ends with '"'); and it too is used
** only when no program has it. Only names with a lone '+' can equal a
** join or a quoted form, which both hold ' + ', so only those programs
** are looked up, in the rows used (the stream finds them in a first pass).
*/
#include <string.h>

#include "lp_journey.h"

/* shapeGrow's slow path: *pa holds fewer than nNeed elements of size sz. */
static int shapeGrowTo(void **pa, uint32_t *pnAlloc, uint64_t nNeed, size_t sz) {
    uint64_t nNew = *pnAlloc ? (uint64_t)*pnAlloc * 2 : 16;
    while (nNew < nNeed) nNew *= 2;
    if (nNew > 0xffffffffu) return SQLITE_TOOBIG;
    void *aNew = sqlite3_realloc64(*pa, nNew * sz);
    if (!aNew) return SQLITE_NOMEM;
    *pa = aNew;
    *pnAlloc = (uint32_t)nNew;
    return SQLITE_OK;
}

/* Room for nNeed elements of size sz in *pa (a check per step shaped). */
static inline int shapeGrow(void **pa, uint32_t *pnAlloc, uint64_t nNeed, size_t sz) {
    return nNeed <= *pnAlloc ? SQLITE_OK : shapeGrowTo(pa, pnAlloc, nNeed, sz);
}

int learnpath_shaper_init(lp_shaper *pSh, const lp_data *pData, const lp_shape_spec *pSpec) {
    uint32_t n = pData->programs.n ? pData->programs.n : 1;
    memset(pSh, 0, sizeof(*pSh));
    pSh->pData = pData;
    pSh->pSpec = pSpec;
    pSh->aSeen = sqlite3_malloc64((sqlite3_uint64)n * sizeof(uint32_t));
    pSh->aCounted = sqlite3_malloc64((sqlite3_uint64)n * sizeof(uint32_t));
    pSh->nMark = n;
    if (!pSh->aSeen || !pSh->aCounted) return SQLITE_NOMEM;
    memset(pSh->aSeen, 0, (size_t)n * sizeof(uint32_t));
    memset(pSh->aCounted, 0, (size_t)n * sizeof(uint32_t));
    return SQLITE_OK;
}

void learnpath_shaper_free(lp_shaper *pSh) {
    learnpath_strtab_free(&pSh->groups);
    sqlite3_free(pSh->aName);
    sqlite3_free(pSh->aNameOff);
    sqlite3_free(pSh->aPlus);
    sqlite3_free(pSh->aUsed);
    sqlite3_free(pSh->aSeen);
    sqlite3_free(pSh->aCounted);
    sqlite3_free(pSh->zLabel);
    sqlite3_free(pSh->aScratch);
    sqlite3_free(pSh->aStep);
    memset(pSh, 0, sizeof(*pSh));
}

/* See lp_journey.h. */
void learnpath_journeys_per_user(lp_users *pIt, lp_shaper *pSh) {
    learnpath_users_local_names(pIt);
    pSh->localLabels = 1;
}

/* localLabels: forget the previous user's tie groups (labels and members). */
static void shapeForgetGroups(lp_shaper *pSh) {
    learnpath_strtab_clear(&pSh->groups);
    pSh->nName = 0;
    pSh->nNamed = 0;
}

const char *learnpath_label(const lp_shaper *pSh, uint32_t label, int *pnByte) {
    if (label & LP_GROUP_BIT) {
        label &= ~LP_GROUP_BIT;
        *pnByte = (int)(pSh->aNameOff[label + 1] - pSh->aNameOff[label] - 1);
        return pSh->aName + pSh->aNameOff[label];
    }
    *pnByte = LP_STRLEN(&pSh->pData->programs, label);
    return LP_STR(&pSh->pData->programs, label);
}

/* Member k of group g: its program number (the key's bytes, unaligned). */
static uint32_t shapeMember(const lp_shaper *pSh, uint32_t g, uint32_t k) {
    uint32_t prog;
    memcpy(&prog, LP_STR(&pSh->groups, g) + (size_t)k * sizeof(uint32_t), sizeof(prog));
    return prog;
}

/* See lp_journey.h. */
uint32_t learnpath_label_size(const lp_shaper *pSh, uint32_t label) {
    if (!(label & LP_GROUP_BIT)) return 1;
    return (uint32_t)(LP_STRLEN(&pSh->groups, label & ~LP_GROUP_BIT) / sizeof(uint32_t));
}

/* See lp_journey.h. */
uint32_t learnpath_label_member(const lp_shaper *pSh, uint32_t label, uint32_t k) {
    return label & LP_GROUP_BIT ? shapeMember(pSh, label & ~LP_GROUP_BIT, k) : label;
}

/* See lp_journey.h: its tie groups (keys, labels, offsets), the programs
** with a lone '+', the marks per program, and its scratch. */
int64_t learnpath_shaper_bytes(const lp_shaper *pSh) {
    return learnpath_strtab_bytes(&pSh->groups) + pSh->nNameAlloc +
           pSh->nNameOffAlloc * (int64_t)sizeof(int64_t) + (int64_t)pSh->nPlus * 4 +
           (pSh->aUsed ? (int64_t)pSh->pData->programs.n : 0) +
           (2 * (int64_t)pSh->nMark + pSh->nScratchAlloc) * (int64_t)sizeof(uint32_t) +
           (int64_t)pSh->nStepAlloc * (int64_t)sizeof(lp_step) + pSh->nLabelAlloc;
}

/* What shapeFindPlus sorts: candidates, numbered in aCand, by name. */
typedef struct shape_plus_sort {
    const lp_strtab *pTab;
    const uint32_t *aCand;
} shape_plus_sort;

static int shapePlusCmp(void *pCtx, uint32_t a, uint32_t b) {
    const shape_plus_sort *p = pCtx;
    uint32_t ia = p->aCand[a], ib = p->aCand[b];
    return learnpath_bytes_cmp(LP_STR(p->pTab, ia), LP_STRLEN(p->pTab, ia), LP_STR(p->pTab, ib),
                               LP_STRLEN(p->pTab, ib));
}

/*
** The programs whose names have a lone '+', in name order (pSh->aPlus):
** once per shaper, at its first group. In memory, of the data's program
** table (shapeIsProgram checks that a row used has the one it finds);
** streaming, pData->pPlusNames, which the stream's first pass found among
** the rows used.
*/
static int shapeFindPlus(lp_shaper *pSh) {
    const lp_data *pD = pSh->pData;
    const lp_strtab *pTab = pD->pPlusNames ? pD->pPlusNames : &pD->programs;
    shape_plus_sort ctx = {pTab, NULL};
    uint32_t *aCand = NULL, *aAt = NULL, nCand = 0, i;
    int rc = SQLITE_OK;
    for (i = 0; i < pTab->n; i++) nCand += learnpath_has_lone_plus(LP_STR(pTab, i), LP_STRLEN(pTab, i));
    if (nCand > 0) {
        aCand = sqlite3_malloc64((sqlite3_uint64)nCand * sizeof(uint32_t));
        if (!aCand) return SQLITE_NOMEM;
        for (i = 0, nCand = 0; i < pTab->n; i++) {
            if (learnpath_has_lone_plus(LP_STR(pTab, i), LP_STRLEN(pTab, i))) aCand[nCand++] = i;
        }
        ctx.aCand = aCand;
        rc = learnpath_sort_index(nCand, shapePlusCmp, &ctx, &aAt);
    }
    if (rc == SQLITE_OK) {
        /* sorted places of aCand -> the programs in name order */
        for (i = 0; i < nCand; i++) aAt[i] = aCand[aAt[i]];
        pSh->pPlusTab = pTab;
        pSh->aPlus = aAt;
        pSh->nPlus = nCand;
        pSh->hasPlus = 1;
    }
    sqlite3_free(aCand);
    return rc;
}

/*
** In memory, does an enrollment (a row used) have program prog? The data's
** program table also holds programs of rows left out for their time. The
** marks are made once, at the first program asked about.
*/
static int shapeIsUsed(lp_shaper *pSh, uint32_t prog, int *pIs) {
    const lp_data *pD = pSh->pData;
    if (!pSh->aUsed) {
        pSh->aUsed = sqlite3_malloc64(pD->programs.n);
        if (!pSh->aUsed) return SQLITE_NOMEM;
        memset(pSh->aUsed, 0, pD->programs.n);
        for (uint32_t e = 0; e < pD->nEv; e++) pSh->aUsed[pD->aProg[e]] = 1;
    }
    *pIs = pSh->aUsed[prog];
    return SQLITE_OK;
}

/* Is z (n bytes, holding ' + ') the name of a program of the rows used? */
static int shapeIsProgram(lp_shaper *pSh, const char *z, int64_t n, int *pIs) {
    const lp_strtab *pTab;
    uint32_t lo = 0, hi;
    *pIs = 0;
    if (!pSh->hasPlus) {
        int rc = shapeFindPlus(pSh);
        if (rc) return rc;
    }
    pTab = pSh->pPlusTab;
    hi = pSh->nPlus;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, i = pSh->aPlus[mid];
        int c = learnpath_bytes_cmp(LP_STR(pTab, i), LP_STRLEN(pTab, i), z, (int)n);
        if (c == 0) {
            if (pSh->pData->pPlusNames) {
                *pIs = 1;
                return SQLITE_OK;
            }
            return shapeIsUsed(pSh, i, pIs);
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return SQLITE_OK;
}

/*
** Room in pSh->zLabel for group g's label in either form (each member
** quoted, every byte a doubled quote at worst) and a suffix " (k)".
*/
static int shapeLabelRoom(lp_shaper *pSh, uint32_t g) {
    const lp_strtab *pProg = &pSh->pData->programs;
    uint32_t n = (uint32_t)(LP_STRLEN(&pSh->groups, g) / sizeof(uint32_t));
    int64_t nMax = 32;
    for (uint32_t i = 0; i < n; i++) nMax += 2 * (int64_t)LP_STRLEN(pProg, shapeMember(pSh, g, i)) + 5;
    if (nMax > 0x7fffff00) return SQLITE_TOOBIG;
    if (nMax > pSh->nLabelAlloc) {
        char *z = sqlite3_realloc64(pSh->zLabel, (sqlite3_uint64)nMax);
        if (!z) return SQLITE_NOMEM;
        pSh->zLabel = z;
        pSh->nLabelAlloc = nMax;
    }
    return SQLITE_OK;
}

/*
** Write group g's members into pSh->zLabel (shapeLabelRoom made room)
** joined by ' + ' (isQuoted: each in double quotes, quotes inside
** doubled); returns the bytes written.
*/
static int64_t shapeJoin(lp_shaper *pSh, uint32_t g, int isQuoted) {
    const lp_strtab *pProg = &pSh->pData->programs;
    uint32_t n = (uint32_t)(LP_STRLEN(&pSh->groups, g) / sizeof(uint32_t));
    int64_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t prog = shapeMember(pSh, g, i);
        const char *z = LP_STR(pProg, prog);
        int nz = LP_STRLEN(pProg, prog);
        if (i) {
            memcpy(pSh->zLabel + k, " + ", 3);
            k += 3;
        }
        if (!isQuoted) {
            memcpy(pSh->zLabel + k, z, (size_t)nz);
            k += nz;
            continue;
        }
        pSh->zLabel[k++] = '"';
        for (int j = 0; j < nz; j++) {
            if (z[j] == '"') pSh->zLabel[k++] = '"';
            pSh->zLabel[k++] = z[j];
        }
        pSh->zLabel[k++] = '"';
    }
    return k;
}

/*
** Name group g by rule 4: its members joined by ' + ' ("A + B") when every
** member's name is plain and no program of the rows used has that name;
** else each member quoted ("A" + "B"), followed by " (2)", " (3)", ...
** while a program has that name. Why these names never meet: see the
** comment at the top of this file.
*/
static int shapeNameGroup(lp_shaper *pSh, uint32_t g) {
    const lp_strtab *pProg = &pSh->pData->programs;
    uint32_t n = (uint32_t)(LP_STRLEN(&pSh->groups, g) / sizeof(uint32_t));
    int isPlain = 1, isProgram = 0, rc;
    int64_t nLen, nJoin;
    for (uint32_t i = 0; i < n && isPlain; i++) {
        uint32_t prog = shapeMember(pSh, g, i);
        isPlain = LP_STR(pProg, prog)[0] != '"' &&
                  !learnpath_has_lone_plus(LP_STR(pProg, prog), LP_STRLEN(pProg, prog));
    }
    rc = shapeLabelRoom(pSh, g);
    if (rc) return rc;
    nLen = shapeJoin(pSh, g, !isPlain);
    rc = shapeIsProgram(pSh, pSh->zLabel, nLen, &isProgram);
    if (rc == SQLITE_OK && isPlain && isProgram) {
        nLen = shapeJoin(pSh, g, 1);
        rc = shapeIsProgram(pSh, pSh->zLabel, nLen, &isProgram);
    }
    nJoin = nLen;
    for (uint32_t k = 2; rc == SQLITE_OK && isProgram; k++) {
        sqlite3_snprintf(32, pSh->zLabel + nJoin, " (%u)", k);
        nLen = nJoin + (int64_t)strlen(pSh->zLabel + nJoin);
        rc = shapeIsProgram(pSh, pSh->zLabel, nLen, &isProgram);
    }
    if (rc) return rc;
    rc = learnpath_grow((void **)&pSh->aNameOff, &pSh->nNameOffAlloc, (int64_t)g + 2,
                        sizeof(int64_t), 16);
    if (rc == SQLITE_OK) {
        rc = learnpath_grow((void **)&pSh->aName, &pSh->nNameAlloc, pSh->nName + nLen + 1, 1, 256);
    }
    if (rc) return rc;
    if (g == 0) pSh->aNameOff[0] = 0;
    memcpy(pSh->aName + pSh->nName, pSh->zLabel, (size_t)nLen);
    pSh->aName[pSh->nName + nLen] = 0;
    pSh->nName += nLen + 1;
    pSh->aNameOff[g + 1] = pSh->nName;
    pSh->nNamed = g + 1;
    return SQLITE_OK;
}

/*
** The label of a tie group whose distinct programs, in name order, are
** aProg[0..n) (n >= 2): found by its members (no text is built for a group
** met before), named when new.
*/
static int shapeGroupLabel(lp_shaper *pSh, const uint32_t *aProg, uint32_t n, uint32_t *pLabel) {
    uint32_t iGroup;
    int rc;
    if (n > 0x1fffffffu) return SQLITE_TOOBIG;
    rc = learnpath_strtab_intern(&pSh->groups, (const char *)aProg, (int)(n * sizeof(uint32_t)),
                                 &iGroup);
    while (rc == SQLITE_OK && pSh->nNamed < pSh->groups.n) rc = shapeNameGroup(pSh, pSh->nNamed);
    if (rc) return rc;
    if (iGroup >= LP_GROUP_BIT) return SQLITE_TOOBIG;
    *pLabel = LP_GROUP_BIT | iGroup;
    return SQLITE_OK;
}

/* Append a step, applying rule 5's 'collapse'. */
static int shapePush(lp_shaper *pSh, uint32_t label, int64_t t) {
    if (pSh->pSpec->repeats == LP_REPEATS_COLLAPSE && pSh->nStep > 0 &&
        pSh->aStep[pSh->nStep - 1].label == label) {
        return SQLITE_OK;
    }
    int rc = shapeGrow((void **)&pSh->aStep, &pSh->nStepAlloc, (uint64_t)pSh->nStep + 1,
                       sizeof(lp_step));
    if (rc) return rc;
    pSh->aStep[pSh->nStep].label = label;
    pSh->aStep[pSh->nStep].t = t;
    pSh->nStep++;
    return SQLITE_OK;
}

/* Count a program once per user (stamped marks need no clearing). */
static void shapeCount(lp_shaper *pSh, uint32_t prog) {
    if (pSh->aCounted[prog] != pSh->stamp) {
        pSh->aCounted[prog] = pSh->stamp;
        pSh->nProgram++;
    }
}

/*
** One enrollment, one step: most users never take a second program. The
** general rules give just this, without their bookkeeping.
*/
static int shapeOne(lp_shaper *pSh, uint32_t i0, int *pKeep) {
    const lp_data *pD = pSh->pData;
    const lp_shape_spec *pSpec = pSh->pSpec;
    int rc = shapeGrow((void **)&pSh->aStep, &pSh->nStepAlloc, 1, sizeof(lp_step));
    if (rc) return rc;
    pSh->tied = 0;
    pSh->segment = pD->aSeg && !pSh->ignoreSegments ? pD->aSeg[i0] : LP_NONE;
    pSh->aStep[0].label = pD->aProg[i0];
    pSh->aStep[0].t = pD->aT[i0];
    pSh->nStep = 1;
    if (pSpec->hasSince && pD->aT[i0] < pSpec->since) return SQLITE_OK;
    if (pSpec->hasUntil && pD->aT[i0] >= pSpec->until) return SQLITE_OK;
    pSh->nProgram = 1;
    *pKeep = 1;
    return SQLITE_OK;
}

/*
** Two enrollments at two instants, the next most common case: no ties
** (rule 4), and rules 5 and 8 decide whether the second is a step of its
** own.
*/
static int shapeTwo(lp_shaper *pSh, uint32_t i0, int *pKeep) {
    const lp_data *pD = pSh->pData;
    const lp_shape_spec *pSpec = pSh->pSpec;
    uint32_t p0 = pD->aProg[i0], p1 = pD->aProg[i0 + 1];
    int64_t t0 = pD->aT[i0], t1 = pD->aT[i0 + 1];
    int rc = shapeGrow((void **)&pSh->aStep, &pSh->nStepAlloc, 2, sizeof(lp_step));
    if (rc) return rc;
    pSh->tied = 0;
    pSh->segment = LP_NONE;
    if (pD->aSeg && !pSh->ignoreSegments) {
        pSh->segment = pD->aSeg[i0] != LP_NONE ? pD->aSeg[i0] : pD->aSeg[i0 + 1];
    }
    pSh->aStep[0].label = p0;
    pSh->aStep[0].t = t0;
    pSh->aStep[1].label = p1;
    pSh->aStep[1].t = t1;
    /* collapse and first_only drop a program taken again; keep keeps it */
    pSh->nStep = p0 != p1 || pSpec->repeats == LP_REPEATS_KEEP ? 2 : 1;
    if (pSh->nStep == 2 && pSpec->hasWithin &&
        (double)(t1 - t0) > pSpec->withinDays * LP_MS_PER_DAY) {
        pSh->nStep = 1;
        pSh->tCut = t1;
    }
    if (pSpec->hasSince && t0 < pSpec->since) return SQLITE_OK;
    if (pSpec->hasUntil && t0 >= pSpec->until) return SQLITE_OK;
    pSh->nProgram = pSh->nStep == 2 && p0 != p1 ? 2 : 1;
    *pKeep = 1;
    return SQLITE_OK;
}

/* The marks (first_only, distinct programs) of a new user. */
static int shapeNewMarks(lp_shaper *pSh) {
    const lp_data *pD = pSh->pData;
    if (pD->programs.n > pSh->nMark) {
        /* streaming: the program table grew since the last user */
        uint32_t nNew = pD->programs.n * 2, nOld = pSh->nMark;
        uint32_t *aSeen = sqlite3_realloc64(pSh->aSeen, (sqlite3_uint64)nNew * sizeof(uint32_t));
        if (!aSeen) return SQLITE_NOMEM;
        pSh->aSeen = aSeen;
        uint32_t *aCounted = sqlite3_realloc64(pSh->aCounted, (sqlite3_uint64)nNew * sizeof(uint32_t));
        if (!aCounted) return SQLITE_NOMEM;
        pSh->aCounted = aCounted;
        memset(pSh->aSeen + nOld, 0, (size_t)(nNew - nOld) * sizeof(uint32_t));
        memset(pSh->aCounted + nOld, 0, (size_t)(nNew - nOld) * sizeof(uint32_t));
        pSh->nMark = nNew;
    }
    if (++pSh->stamp == 0) {
        /* after 2^32 users the stamps wrap: clear the marks once */
        memset(pSh->aSeen, 0, (size_t)pSh->nMark * sizeof(uint32_t));
        memset(pSh->aCounted, 0, (size_t)pSh->nMark * sizeof(uint32_t));
        pSh->stamp = 1;
    }
    return SQLITE_OK;
}

/* Rule 4: tied; rule 6: segment (enrollments [i0, i1)). */
static void shapeTiedAndSegment(lp_shaper *pSh, uint32_t i0, uint32_t i1) {
    const lp_data *pD = pSh->pData;
    pSh->tied = 0;
    for (uint32_t i = i0 + 1; i < i1 && pD->aT[i] == pD->aT[i0]; i++) {
        if (pD->aProg[i] != pD->aProg[i0]) pSh->tied = 1;
    }
    pSh->segment = LP_NONE;
    for (uint32_t i = i0; pD->aSeg && !pSh->ignoreSegments && i < i1; i++) {
        if (pD->aSeg[i] != LP_NONE) {
            pSh->segment = pD->aSeg[i];
            break;
        }
    }
}

/*
** Rule 5's first_only, then rule 4: the steps of enrollments [i0, i1). The
** first half of the scratch holds the enrollments kept, the second half
** one instant's programs.
*/
static int shapeSteps(lp_shaper *pSh, uint32_t i0, uint32_t i1) {
    const lp_data *pD = pSh->pData;
    const lp_shape_spec *pSpec = pSh->pSpec;
    uint32_t *aKept, *aTmp, nKept = 0;
    int rc = shapeGrow((void **)&pSh->aScratch, &pSh->nScratchAlloc, 2 * (uint64_t)(i1 - i0),
                       sizeof(uint32_t));
    if (rc) return rc;
    aKept = pSh->aScratch;
    aTmp = pSh->aScratch + (i1 - i0);
    for (uint32_t i = i0; i < i1; i++) {
        if (pSpec->repeats == LP_REPEATS_FIRST_ONLY) {
            if (pSh->aSeen[pD->aProg[i]] == pSh->stamp) continue;
            pSh->aSeen[pD->aProg[i]] = pSh->stamp;
        }
        aKept[nKept++] = i;
    }
    for (uint32_t k = 0; k < nKept;) {
        uint32_t e = aKept[k], j = k + 1, nDistinct = 1;
        if (pSpec->ties == LP_TIES_NAME) {
            rc = shapePush(pSh, pD->aProg[e], pD->aT[e]);
            if (rc) return rc;
            k++;
            continue;
        }
        aTmp[0] = pD->aProg[e];
        for (; j < nKept && pD->aT[aKept[j]] == pD->aT[e]; j++) {
            /* same program twice at one instant counts once */
            if (pD->aProg[aKept[j]] != aTmp[nDistinct - 1]) aTmp[nDistinct++] = pD->aProg[aKept[j]];
        }
        uint32_t label = aTmp[0];
        if (nDistinct > 1) {
            rc = shapeGroupLabel(pSh, aTmp, nDistinct, &label);
            if (rc) return rc;
        }
        rc = shapePush(pSh, label, pD->aT[e]);
        if (rc) return rc;
        k = j;
    }
    return SQLITE_OK;
}

/* Distinct programs of the journey, a tie group counting each member. */
static void shapeCountPrograms(lp_shaper *pSh) {
    for (uint32_t i = 0; i < pSh->nStep; i++) {
        uint32_t L = pSh->aStep[i].label;
        if (!(L & LP_GROUP_BIT)) {
            shapeCount(pSh, L);
        } else {
            uint32_t g = L & ~LP_GROUP_BIT;
            uint32_t n = (uint32_t)(LP_STRLEN(&pSh->groups, g) / sizeof(uint32_t));
            for (uint32_t k = 0; k < n; k++) shapeCount(pSh, shapeMember(pSh, g, k));
        }
    }
}

int learnpath_shape_user(lp_shaper *pSh, uint32_t u, int *pKeep) {
    const lp_data *pD = pSh->pData;
    const lp_shape_spec *pSpec = pSh->pSpec;
    uint32_t i0 = pD->aFirst[u], i1 = pD->aFirst[u + 1];
    int rc;

    *pKeep = 0;
    pSh->nStep = 0;
    pSh->nProgram = 0;
    pSh->tCut = INT64_MAX;
    if (pSh->localLabels && pSh->groups.n) shapeForgetGroups(pSh);
    if (i0 >= i1) return SQLITE_OK;
    /* rule 12: group_value leaves out the users of other groups */
    if (pSpec->pGroupUsers && !learnpath_users_in_group(pSpec->pGroupUsers, u)) return SQLITE_OK;
    if (i1 - i0 == 1) return shapeOne(pSh, i0, pKeep);
    if (i1 - i0 == 2 && pD->aT[i0] != pD->aT[i0 + 1]) return shapeTwo(pSh, i0, pKeep);

    rc = shapeNewMarks(pSh);
    if (rc) return rc;
    shapeTiedAndSegment(pSh, i0, i1);
    rc = shapeSteps(pSh, i0, i1);
    if (rc || pSh->nStep == 0) return rc;

    /* rule 8: within_days */
    if (pSpec->hasWithin) {
        double limit = pSpec->withinDays * LP_MS_PER_DAY;
        for (uint32_t i = 1; i < pSh->nStep; i++) {
            if ((double)(pSh->aStep[i].t - pSh->aStep[i - 1].t) > limit) {
                pSh->nStep = i;
                pSh->tCut = pSh->aStep[i].t;
                break;
            }
        }
    }
    /* rule 7: since/until on the first step */
    if (pSpec->hasSince && pSh->aStep[0].t < pSpec->since) return SQLITE_OK;
    if (pSpec->hasUntil && pSh->aStep[0].t >= pSpec->until) return SQLITE_OK;
    shapeCountPrograms(pSh);
    *pKeep = 1;
    return SQLITE_OK;
}

int learnpath_shape_spec_eq(const lp_shape_spec *a, const lp_shape_spec *b) {
    return a->hasSince == b->hasSince && (!a->hasSince || a->since == b->since) &&
           a->hasUntil == b->hasUntil && (!a->hasUntil || a->until == b->until) &&
           a->hasWithin == b->hasWithin && (!a->hasWithin || a->withinDays == b->withinDays) &&
           a->ties == b->ties && a->repeats == b->repeats &&
           /* a group_value query's rows are its own (rule 12) */
           a->pGroupUsers == NULL && b->pGroupUsers == NULL;
}

/* ---------------------------------------------------- labels in name order */

/* Names to rank: a string table's, or a shaper's labels. */
typedef struct shape_names {
    const lp_shaper *pSh;
    const lp_strtab *pTab;
} shape_names;

static const char *shapeName(const shape_names *pN, uint32_t i, int *pn) {
    if (pN->pTab) {
        *pn = LP_STRLEN(pN->pTab, i);
        return LP_STR(pN->pTab, i);
    }
    uint32_t nProgram = pN->pSh->pData->programs.n;
    return learnpath_label(pN->pSh, i < nProgram ? i : LP_GROUP_BIT | (i - nProgram), pn);
}

static int shapeNameCmp(void *pCtx, uint32_t a, uint32_t b) {
    int na, nb;
    const char *za = shapeName(pCtx, a, &na), *zb = shapeName(pCtx, b, &nb);
    return learnpath_bytes_cmp(za, na, zb, nb);
}

/* See lp_journey.h. */
int learnpath_label_ranks(const lp_shaper *pSh, const lp_strtab *pTab, uint32_t n, int isDense,
                          uint32_t **paRank) {
    shape_names names = {pSh, pTab};
    const shape_names *pN = &names;
    uint32_t *aAt, *aRank;
    int rc = learnpath_sort_index(n, shapeNameCmp, (void *)pN, &aAt);
    *paRank = NULL;
    if (rc) return rc;
    aRank = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(uint32_t));
    if (!aRank) {
        sqlite3_free(aAt);
        return SQLITE_NOMEM;
    }
    for (uint32_t i = 0, r = 0; i < n; i++) {
        if (isDense && i > 0 && shapeNameCmp((void *)pN, aAt[i - 1], aAt[i]) == 0) r--;
        aRank[aAt[i]] = r++;
    }
    sqlite3_free(aAt);
    *paRank = aRank;
    return SQLITE_OK;
}

