/*
** lp_harness.h - what learnpath's standalone test programs share:
** tests/oom/oom.c, tests/trust/nested.c, tests/fuzz/replay.c and
** tests/embed/embed.c. (The Check suites of tests/unit/ have Check.)
**
**   reporting   lph_check(ok, fmt, ...) prints "ok   <message>" or
**               "FAIL <message>" (printf-style, one line, flushed) and
**               counts a pass or a failure; lph_ok() and lph_fail() are
**               lph_check(1, ...) and lph_check(0, ...); lph_tally() counts
**               without printing, for a program that prints its own line.
**   options     lph_options(): -v (repeatable: lph.verbose counts them) and,
**               with LPH_OPT_K, -k LIST (lph_selected() tells which names
**               it selects); any other argument goes to the program.
**   last line   lph_finish() prints "N passed, M failed" and returns the
**               exit status: 0 only when nothing failed.
**
** It uses the C library only: no SQLite call and no allocation through
** SQLite (oom.c replaces SQLite's allocator and counts every allocation),
** no atexit() handler and no output buffer of its own, so a program may
** fork anywhere: what a child prints is its own, and so are its counts
** (nested.c hands a child's counts back with lph_tally()).
**
** lp_harness.c is compiled into each program, next to the program's own
** sources and the extension's (mk/trust.mk, mk/install.mk); a program
** includes "../harness/lp_harness.h".
*/
#ifndef LP_HARNESS_H
#define LP_HARNESS_H

#if defined(__GNUC__) || defined(__clang__)
#define LPH_PRINTF(iFmt, iArg) __attribute__((format(printf, iFmt, iArg)))
#else
#define LPH_PRINTF(iFmt, iArg)
#endif

typedef struct lph_state {
    int verbose;       /* how many -v were given */
    const char *zOnly; /* the -k list, or NULL: every name is selected */
    int nPassed, nFailed;
    int tagWidth;      /* "ok"/"FAIL" padded to this width, then one space:
                       ** 4 (the default) gives "ok   name", 0 "ok name" */
} lph_state;

extern lph_state lph;

/* Print "ok   <message>" or "FAIL <message>" and count it. Returns ok. */
int lph_check(int ok, const char *zFmt, ...) LPH_PRINTF(2, 3);
void lph_ok(const char *zFmt, ...) LPH_PRINTF(1, 2);
void lph_fail(const char *zFmt, ...) LPH_PRINTF(1, 2);

/* Count nPass passes and nFail failures, printing nothing. */
void lph_tally(int nPass, int nFail);

/* lph_options() flags. */
#define LPH_OPT_K 0x01 /* accept -k LIST */

/*
** Parse argv[1..argc-1]: "-v" adds one to lph.verbose; with LPH_OPT_K,
** "-k LIST" sets lph.zOnly. Any other argument is offered to xArg (may be
** NULL), which returns how many arguments it takes from argv[i] on, or 0
** when argv[i] is not one it knows. Returns 0; or, for an argument nothing
** takes (or -k without its LIST), lph_usage(argv[0], zUsage): 2.
*/
int lph_options(int argc, char **argv, int flags, const char *zUsage,
                int (*xArg)(int argc, char **argv, int i));

/* Print "usage: <zProg> <zUsage>" on stderr. Returns 2 (an exit status). */
int lph_usage(const char *zProg, const char *zUsage);

/*
** Is zName selected by -k? The list is comma-separated; an item is a
** substring of the names it selects, and an item "=name" selects exactly
** that name. Without -k every name is selected.
*/
int lph_selected(const char *zName);

/* Print "N passed, M failed"; returns 1 if anything failed, else 0. */
int lph_finish(void);

#endif /* LP_HARNESS_H */
