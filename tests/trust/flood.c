/*
** flood.c - writes a hash-flooding input (issue 11, item 10) to a database
** file, for timing by hand; the kinds are those of tests/unit/lpt_flood.h.
**
**   build/trust/flood DB KIND N [TABLE]     (TABLE defaults to KIND)
**
** make flood-bench (mk/trust.mk) times learnpath on each kind.
*/
#include <stdio.h>
#include <stdlib.h>

#include "../unit/lpt_flood.h"

int main(int argc, char **argv) {
    sqlite3 *db = NULL;
    int rc;
    if (argc < 4 || atoi(argv[3]) <= 0) {
        fprintf(stderr, "usage: %s DB KIND N [TABLE]\n", argv[0]);
        return 2;
    }
    rc = sqlite3_open(argv[1], &db);
    if (rc == SQLITE_OK) rc = lpt_flood_make(db, argc > 4 ? argv[4] : argv[2], argv[2], atoi(argv[3]));
    if (rc) {
        fprintf(stderr, "flood: %s: %s\n", argv[2],
                rc == SQLITE_MISUSE ? "unknown kind" : sqlite3_errmsg(db));
    }
    sqlite3_close(db);
    return rc ? 1 : 0;
}
