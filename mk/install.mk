# mk/install.mk - install, source tarball, embedding and a second compiler.
#
#   make install      copy the extension, the saved reports and the public
#                     header under $(DESTDIR)$(PREFIX):
#                       lib/learnpath.$(SOEXT)
#                       share/learnpath/*.sql, share/learnpath/README.md
#                       include/learnpath.h
#                     The installed reports load the installed extension
#                     (their `.load dist/learnpath` line is rewritten to
#                     `.load $(PREFIX)/lib/learnpath`), so they run from any
#                     directory. PREFIX defaults to /usr/local; DESTDIR
#                     (empty by default) is prepended for staged installs.
#   make uninstall    remove exactly those files (same PREFIX and DESTDIR),
#                     and share/learnpath/ if that leaves it empty
#   make dist         dist/learnpath-$(VERSION).tar.gz: one top directory
#                     learnpath-$(VERSION)/ with every file git knows or
#                     would add (tracked, or untracked and not ignored) under
#                     $(DIST_PATHS), so uncommitted work is included and build
#                     products are not
#   make distcheck    unpack that tarball in a temporary directory and run
#                     `make test` there (slow: every test; not part of make test)
#   make test-install install into a temporary PREFIX and a DESTDIR, run an
#                     installed report from another directory, uninstall and
#                     check that nothing is left                   [make test]
#   make test-embed   tests/embed/embed.c (with tests/harness/lp_harness.c):
#                     ext/*.c compiled in with -DSQLITE_CORE and registered
#                     with sqlite3_auto_extension (build/embed/embed); also
#                     compiles ext/learnpath.c with ext/learnpath.h included
#                     first                                         [make test]
#   make test-clang   the extension and the embed program built with clang and
#                     -Werror into build/clang/; the .so is loaded once and the
#                     embed program run (both take well under a second) [make test]

PREFIX     ?= /usr/local
DESTDIR    ?=
LIBDIR     ?= $(PREFIX)/lib
DATADIR    ?= $(PREFIX)/share/learnpath
INCLUDEDIR ?= $(PREFIX)/include
INSTALL    ?= install

INSTALLED_EXT := $(DESTDIR)$(LIBDIR)/learnpath.$(SOEXT)
INSTALLED_HDR := $(DESTDIR)$(INCLUDEDIR)/learnpath.h
INSTALLED_DOC := $(DESTDIR)$(DATADIR)/README.md
INSTALLED_SQL  = $(patsubst sql/%,$(DESTDIR)$(DATADIR)/%,$(REPORTS))

DIST_NAME  := learnpath-$(VERSION)
DIST_TGZ   := dist/$(DIST_NAME).tar.gz
DIST_PATHS := Makefile README.md .gitignore .ci bench docs ext mk sql tests tools

EMBED      := build/embed/embed
CLANG      ?= clang
CLANG_EXT  := build/clang/learnpath.$(SOEXT)

.PHONY: install uninstall dist distcheck test-install test-embed test-clang
TEST_TARGETS += test-install test-embed test-clang

install: $(EXT)
	$(INSTALL) -d '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(DATADIR)' '$(DESTDIR)$(INCLUDEDIR)'
	$(INSTALL) -m 0755 $(EXT) '$(INSTALLED_EXT)'
	$(INSTALL) -m 0644 ext/learnpath.h '$(INSTALLED_HDR)'
	$(INSTALL) -m 0644 sql/README.md '$(INSTALLED_DOC)'
	@for f in $(REPORTS); do \
	    dst='$(DESTDIR)$(DATADIR)'/$${f#sql/}; \
	    echo "sed 's|^\.load dist/learnpath *$$|.load $(LIBDIR)/learnpath|' $$f > $$dst"; \
	    sed 's|^\.load dist/learnpath *$$|.load $(LIBDIR)/learnpath|' "$$f" > "$$dst.tmp" && \
	    chmod 0644 "$$dst.tmp" && mv -f "$$dst.tmp" "$$dst" || exit 1; \
	done

uninstall:
	rm -f '$(INSTALLED_EXT)' '$(INSTALLED_HDR)' '$(INSTALLED_DOC)' $(foreach f,$(INSTALLED_SQL),'$(f)')
	-@rmdir '$(DESTDIR)$(DATADIR)' 2>/dev/null || true

# The file list: git's view of the work tree when there is one (make dist in
# a clone), else every file under DIST_PATHS except build products (make
# dist in an unpacked tarball).
dist:
	@set -e; rm -rf build/dist; mkdir -p build/dist/$(DIST_NAME) dist; \
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	    git ls-files -z --cached --others --exclude-standard -- $(DIST_PATHS) \
	        | tr '\0' '\n' | sort -u > build/dist/files.all; \
	else \
	    find $(DIST_PATHS) -type f ! -path 'bench/data/*' ! -name '*.o' \
	        2>/dev/null | sort > build/dist/files.all; \
	fi; \
	while IFS= read -r f; do [ -f "$$f" ] && printf '%s\n' "$$f"; done \
	    < build/dist/files.all > build/dist/files; \
	tar -cf - -T build/dist/files | tar -xf - -C build/dist/$(DIST_NAME); \
	tar -C build/dist --sort=name --owner=0 --group=0 --numeric-owner \
	    --mtime='@0' -cf - $(DIST_NAME) | gzip -n -9 > $(DIST_TGZ); \
	echo "$(DIST_TGZ): $$(wc -l < build/dist/files) files, $$(wc -c < $(DIST_TGZ)) bytes"

distcheck: dist
	@set -e; tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/learnpath-distcheck.XXXXXX"); \
	echo "distcheck: unpacking $(DIST_TGZ) in $$tmp"; \
	tar -xzf $(DIST_TGZ) -C "$$tmp"; \
	if $(MAKE) -C "$$tmp/$(DIST_NAME)" test; then \
	    rm -rf "$$tmp"; echo "distcheck: $(DIST_TGZ) builds and passes make test on its own"; \
	else \
	    echo "distcheck: FAILED; the unpacked tree is kept in $$tmp" >&2; exit 1; \
	fi

test-install: $(EXT)
	@sh tests/embed/install-check.sh '$(MAKE)' '$(SOEXT)'

# ext/*.c and the test program in one executable, the extension compiled in.
$(EMBED): $(SRCS) $(HDRS) tests/embed/embed.c $(HARNESS) $(HARNESS_H) | deps
	@mkdir -p build/embed
	$(CC) $(CFLAGS) -g $(LP_CFLAGS) $(LP_CORE) \
	    -DEMBED_EXPECT_VERSION='"$(VERSION)"' \
	    $(shell pkg-config --cflags sqlite3) -o $@ $(SRCS) tests/embed/embed.c $(HARNESS) \
	    $(shell pkg-config --libs sqlite3) -lm

# ext/learnpath.h must agree with the definition in ext/learnpath.c, in both
# builds (loadable with hidden visibility, and compiled in).
build/embed/header-check.stamp: ext/learnpath.c ext/learnpath.h $(HDRS) | deps
	@mkdir -p build/embed
	$(CC) $(EXTFLAGS) -include ext/learnpath.h -c ext/learnpath.c -o build/embed/hdr-loadable.o
	$(CC) $(EXTFLAGS) $(LP_CORE) -include ext/learnpath.h -c ext/learnpath.c -o build/embed/hdr-core.o
	@touch $@

test-embed: $(EMBED) build/embed/header-check.stamp
	$(EMBED)

# clang: warning-free too. The full tests run the gcc build; this one only
# checks that the clang build loads and that its embed program passes.
$(CLANG_EXT): $(SRCS) $(HDRS) tests/embed/embed.c $(HARNESS) $(HARNESS_H)
	@command -v $(CLANG) >/dev/null 2>&1 || tools/ensure-deps.sh clang
	@mkdir -p build/clang
	$(CLANG) $(EXTFLAGS) $(SOFLAGS) -o $@ $(SRCS) -lm
	$(CLANG) $(CFLAGS) $(LP_CFLAGS) $(LP_CORE) \
	    -DEMBED_EXPECT_VERSION='"$(VERSION)"' \
	    $(shell pkg-config --cflags sqlite3) -o build/clang/embed $(SRCS) tests/embed/embed.c \
	    $(HARNESS) $(shell pkg-config --libs sqlite3) -lm
	$(CLANG) $(EXTFLAGS) $(LP_CORE) -include ext/learnpath.h -c ext/learnpath.c \
	    -o build/clang/hdr-core.o

test-clang: $(CLANG_EXT)
	@echo "test-clang: $(CLANG_EXT) and build/clang/embed build with clang $(WARN)"
	@v=$$($(SQLITE3) :memory: '.load build/clang/learnpath' 'SELECT learnpath_version()' 2>&1); \
	if [ "$$v" = '$(VERSION)' ]; then echo "test-clang: the clang build loads ($$v)"; \
	else echo "test-clang: the clang build does not load: $$v"; exit 1; fi
	@build/clang/embed > build/clang/embed.log 2>&1 || { cat build/clang/embed.log; exit 1; }; \
	echo "test-clang: build/clang/embed: $$(tail -n 1 build/clang/embed.log)"
