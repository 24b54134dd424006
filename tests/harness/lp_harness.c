/*
** lp_harness.c - the shared scaffolding of the standalone test programs
** (lp_harness.h says what it gives). C library only: it must not call
** SQLite, nor allocate through it.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lp_harness.h"

lph_state lph = {0, NULL, 0, 0, 4};

static void lphReport(int ok, const char *zFmt, va_list ap) {
    printf("%-*s ", lph.tagWidth, ok ? "ok" : "FAIL");
    vprintf(zFmt, ap);
    printf("\n");
    fflush(stdout);
    if (ok) lph.nPassed++;
    else lph.nFailed++;
}

int lph_check(int ok, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    lphReport(ok, zFmt, ap);
    va_end(ap);
    return ok;
}

void lph_ok(const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    lphReport(1, zFmt, ap);
    va_end(ap);
}

void lph_fail(const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    lphReport(0, zFmt, ap);
    va_end(ap);
}

void lph_tally(int nPass, int nFail) {
    lph.nPassed += nPass;
    lph.nFailed += nFail;
}

int lph_usage(const char *zProg, const char *zUsage) {
    fprintf(stderr, "usage: %s %s\n", zProg, zUsage);
    return 2;
}

int lph_options(int argc, char **argv, int flags, const char *zUsage,
                int (*xArg)(int argc, char **argv, int i)) {
    for (int i = 1; i < argc; i++) {
        int n;
        if (strcmp(argv[i], "-v") == 0) {
            lph.verbose++;
        } else if ((flags & LPH_OPT_K) && strcmp(argv[i], "-k") == 0) {
            if (i + 1 >= argc) return lph_usage(argv[0], zUsage);
            lph.zOnly = argv[++i];
        } else if (xArg && (n = xArg(argc, argv, i)) > 0) {
            i += n - 1;
        } else {
            return lph_usage(argv[0], zUsage);
        }
    }
    return 0;
}

int lph_selected(const char *zName) {
    const char *z = lph.zOnly;
    if (!z) return 1;
    while (*z) {
        const char *zEnd = strchr(z, ',');
        size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
        if (n > 0 && z[0] == '=') {
            if (strlen(zName) == n - 1 && memcmp(zName, z + 1, n - 1) == 0) return 1;
        } else if (n > 0) {
            for (const char *p = zName; *p; p++) {
                if (strncmp(p, z, n) == 0) return 1;
            }
        }
        z += n + (zEnd ? 1 : 0);
    }
    return 0;
}

int lph_finish(void) {
    printf("%d passed, %d failed\n", lph.nPassed, lph.nFailed);
    return lph.nFailed ? 1 : 0;
}
