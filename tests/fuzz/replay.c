/*
** replay.c - run a libFuzzer harness over files, without libFuzzer.
**
**   build/fuzz/replay_sql  tests/fuzz/corpus/fuzz_sql  [more files or dirs]
**   build/fuzz/replay_args tests/fuzz/corpus/fuzz_args
**
** Linked with one harness (fuzz_sql.c or fuzz_args.c) by `make fuzz-replay`,
** with gcc and no sanitizer (make asan / make coverage build it too). Calls
** LLVMFuzzerInitialize once, then feeds each file to LLVMFuzzerTestOneInput
** once, in a child process (fork) with a 20-second alarm, so that a crash,
** an abort (the harness's leak and close checks) or a hang is reported for
** that file and the others still run. Directories are read in name order;
** names starting with '.' and README files are skipped. Prints one line per
** failure and ends with "N passed, M failed"; exit status 0 only if none
** failed. With -v it prints every file after it (tests/harness/ does the
** counting, the -v and the last line).
*/
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/lp_harness.h"

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv);
int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

static int runFile(const char *zPath) {
    FILE *f = fopen(zPath, "rb");
    uint8_t *a = NULL;
    size_t n = 0, nAlloc = 0, k;
    uint8_t chunk[65536];
    if (!f) return 0;
    while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (n + k > nAlloc) {
            nAlloc = (n + k) * 2;
            a = realloc(a, nAlloc);
            if (!a) exit(2);
        }
        memcpy(a + n, chunk, k);
        n += k;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(a ? a : (const uint8_t *)"", n);
    free(a);
    return 1;
}

static void replayOne(const char *zPath) {
    int status = 0;
    pid_t pid;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        alarm(20);
        exit(runFile(zPath) ? 0 : 3);
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        lph_fail("%s: fork/wait failed", zPath);
        return;
    }
    if (WIFSIGNALED(status)) {
        lph_fail("%s: %s", zPath,
                 WTERMSIG(status) == SIGALRM ? "timeout (20 s)" : strsignal(WTERMSIG(status)));
    } else if (WEXITSTATUS(status) == 3) {
        lph_fail("%s: cannot read", zPath);
    } else if (WEXITSTATUS(status) != 0) {
        lph_fail("%s: exit status %d", zPath, WEXITSTATUS(status));
    } else if (lph.verbose) {
        lph_ok("%s", zPath);
    } else {
        lph_tally(1, 0);
    }
}

static int cmpName(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replayPath(const char *zPath) {
    struct stat st;
    if (stat(zPath, &st) != 0) {
        lph_fail("%s: no such file or directory", zPath);
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        replayOne(zPath);
        return;
    }
    DIR *d = opendir(zPath);
    struct dirent *e;
    char **azName = NULL;
    size_t nName = 0;
    if (!d) return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strncmp(e->d_name, "README", 6) == 0) continue;
        azName = realloc(azName, (nName + 1) * sizeof(char *));
        if (!azName) exit(2);
        azName[nName++] = strdup(e->d_name);
    }
    closedir(d);
    if (nName) qsort(azName, nName, sizeof(char *), cmpName);
    for (size_t i = 0; i < nName; i++) {
        char *zFull = malloc(strlen(zPath) + strlen(azName[i]) + 2);
        if (!zFull) exit(2);
        sprintf(zFull, "%s/%s", zPath, azName[i]);
        replayPath(zFull);
        free(zFull);
        free(azName[i]);
    }
    free(azName);
}

static int gPaths = 0;

/* Every argument but -v is a file or directory, replayed as it comes. */
static int pathArg(int argc, char **argv, int i) {
    (void)argc;
    replayPath(argv[i]);
    gPaths++;
    return 1;
}

int main(int argc, char **argv) {
    static const char zUsage[] = "[-v] FILE-OR-DIRECTORY...";
    printf("%s: replaying each file once\n", argv[0]);
    LLVMFuzzerInitialize(&argc, &argv);
    lph_options(argc, argv, 0, zUsage, pathArg); /* takes every argument: returns 0 */
    if (gPaths == 0) return lph_usage(argv[0], zUsage);
    return lph_finish();
}
