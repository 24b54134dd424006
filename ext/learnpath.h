/*
** learnpath.h - public interface of the learnpath SQLite extension.
**
** learnpath is used in one of two ways:
**
** 1. As a loadable extension (dist/learnpath.so, .dylib or .dll). A host
**    loads it at run time and SQLite calls the entry point itself:
**        sqlite3 shell:  .load dist/learnpath
**        C:              sqlite3_enable_load_extension(db, 1);
**                        sqlite3_load_extension(db, "dist/learnpath", 0, &zErr);
**    No header is needed for that; SQLite derives the entry point's name,
**    sqlite3_learnpath_init, from the file name.
**
** 2. Compiled into an application. Compile the extension's sources
**    (every .c file in ext/) with -DSQLITE_CORE, link them with the application and its
**    SQLite, include this header and register the entry point once, before
**    opening connections:
**        #include "learnpath.h"
**        sqlite3_auto_extension((void (*)(void))sqlite3_learnpath_init);
**    Every connection opened afterwards has the learnpath functions,
**    without sqlite3_load_extension (which may stay disabled). To add them
**    to one connection only, call sqlite3_learnpath_init(db, &zErr, 0)
**    after opening it. tests/embed/embed.c does both.
**
** The entry point registers every learnpath function on db. It returns
** SQLITE_OK, or an error code and, when pzErrMsg is not NULL, a message in
** *pzErrMsg that the caller frees with sqlite3_free(). It refuses SQLite
** older than 3.31.0.
**
** pApi is the API table SQLite passes to a loadable extension. When the
** sources are compiled with -DSQLITE_CORE it is unused (the functions
** call SQLite directly) and may be NULL.
*/
#ifndef LEARNPATH_H
#define LEARNPATH_H

#include <sqlite3.h>

/* The version of learnpath: the one place it is written (the Makefile reads
** it from here). SELECT learnpath_version() returns it. */
#define LEARNPATH_VERSION "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

int sqlite3_learnpath_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

#ifdef __cplusplus
}
#endif

#endif /* LEARNPATH_H */
