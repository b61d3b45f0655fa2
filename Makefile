# kigen - build, test, demo and the embedded database.
#
#   make demo      install or check what is missing, start the embedded database, run the demo
#   make test      everything the tests need, then all tests and the fuzz smoke (T=<suite> runs
#                  one suite, T=fuzz the fuzz smoke alone)
#   make asan      the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind  the whole suite under valgrind (memcheck)
#   make bench     benchmarks against their baselines (BENCH_RESIDENTS=N to scale)
#   make lint      banned calls, layers, no file outside the repository; make format-check
#   make db-start / db-stop / db-status / db-destroy: the embedded PostgreSQL (var/, or a
#                  private directory in /var/tmp: README "The embedded database")
#   make install / uninstall  kigen on a server (PREFIX, DESTDIR, BINDIR, DATADIR,
#                  SYSCONFDIR, MANDIR, UNITDIR: below; docs/operations.md)
#   make deb       the Debian package, built in build/deb/ (debian/, scripts/deb.sh)
#   make fuzz      the fuzz targets under libFuzzer, FUZZ_SECONDS each (default 300; needs clang)
#                  (make fuzz-merge: what it reached, into the committed corpus)
#
# BUILD=release|asan|install selects the object directory (install: the binary that `make
# install` copies, its directories compiled in); V=1 shows the commands.

BUILD ?= release
OBJDIR := build/$(BUILD)

STD := -std=c11 -D_POSIX_C_SOURCE=200809L
# Warnings, one per line with the reason:
WARN := -Wall -Wextra \
	-Werror \
	-Wformat=2 \
	-Wmissing-prototypes \
	-Wstrict-prototypes \
	-Wvla \
	-Wwrite-strings \
	-Wcast-qual \
	-Wshadow \
	-Wconversion -Wno-sign-conversion
# -Werror: warnings are bugs here, in CI and on a developer's machine alike
# -Wformat=2: printf-style formats checked, including non-literal ones
# -Wmissing-prototypes: every non-static function is declared in a header
# -Wstrict-prototypes: no K&R declarations
# -Wvla: no variable-length arrays (unbounded stack use)
# -Wwrite-strings, -Wcast-qual: string literals and const stay const
# -Wshadow: no name hides another
# -Wconversion: narrowing conversions are explicit (sign conversions are too noisy to list)
OPT ?= -O2
DEBUG ?= -g

ifeq ($(BUILD),asan)
OPT := -O1
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# Installation directories (GNU names; DESTDIR is prepended to each when copying). The
# configuration goes to /etc when PREFIX is /usr (the Debian package), else PREFIX/etc.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
MANDIR ?= $(DATADIR)/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d

# What is compiled in (batch/run/run_config.c). The installed build: its data directory
# DATADIR/kigen and its configuration file SYSCONFDIR/kigen/kigen.conf. A build in the
# checkout compiles in nothing: it finds its checkout at run time (batch/common/checkout.h)
# for the templates, reads no configuration file unless given one, and finds the embedded
# cluster the same way (batch/db/embedded.c). run_config.o depends on a stamp file that
# changes only when these do.
ifeq ($(BUILD),install)
KIGEN_DATADIR := $(DATADIR)/kigen
KIGEN_CONFIG_FILE := $(SYSCONFDIR)/kigen/kigen.conf
KIGEN_LOCALEDIR := $(DATADIR)/locale
else
KIGEN_DATADIR :=
KIGEN_CONFIG_FILE :=
KIGEN_LOCALEDIR :=
endif
PATHS_STAMP := $(OBJDIR)/paths
KG_CFLAGS := -DKIGEN_DATADIR='"$(KIGEN_DATADIR)"' -DKIGEN_CONFIG_FILE='"$(KIGEN_CONFIG_FILE)"' \
	-DKIGEN_LOCALEDIR='"$(KIGEN_LOCALEDIR)"'
FINAL_CFLAGS = $(STD) -pthread $(WARN) $(OPT) $(DEBUG) $(SAN) $(CPPFLAGS) $(CFLAGS) $(KG_CFLAGS) \
	$(PKG_CFLAGS) -MMD -MP
FINAL_LDFLAGS = $(SAN) $(LDFLAGS)
PKGS := libpq cairo cairo-ft freetype2 harfbuzz xlsxwriter zlib
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS = $(PKG_LIBS) -lzint -lm -pthread
TEST_LIBS := -lcunit
# libzint (in LIBS): Code 128 of the forms' control numbers (render/code128.c); the tests
# also use it as the oracle for the customer barcode's bars (render/barcode.c is ours)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Sources: everything under batch/ and render/ except main.c makes the library that both
# the binary and the tests link.
LIB_SRC := $(sort $(wildcard batch/common/*.c batch/rules/*.c batch/db/*.c batch/load/*.c batch/run/*.c batch/forms/*.c batch/notices/*.c \
	batch/sample/*.c batch/export/*.c batch/queue/*.c batch/cmd_*.c render/*.c))
SQL_SRC := $(sort $(wildcard sql/[0-9][0-9][0-9]_*.sql))
GEN_SRC := $(OBJDIR)/gen/migrations_sql.c
MAIN_SRC := batch/main.c
# The message catalogues (batch/common/i18n.h; rules below)
PO_LANGS := ja
PO_FILES := $(PO_LANGS:%=po/%.po)
MO_FILES := $(PO_LANGS:%=build/locale/%/LC_MESSAGES/kigen.mo)
# tests/fuzz/ is not CUnit: its targets link with libFuzzer or with their replay driver
TEST_SRC := $(sort $(filter-out tests/fuzz/%,$(wildcard tests/*.c tests/*/*.c)))

LIB_OBJ := $(LIB_SRC:%.c=$(OBJDIR)/%.o) $(OBJDIR)/gen/migrations_sql.o

# Fuzz targets (tests/fuzz/, README "Fuzzing"): each is one LLVMFuzzerTestOneInput over
# the sources it lists. The replay driver runs its committed corpus with $(CC) in this
# build (make test, make asan); with clang's libFuzzer runtime the same target is also
# built under ASan + UBSan in build/fuzz/ and fuzzed (a short smoke in make test, make
# fuzz for FUZZ_SECONDS per target).
FUZZ_TARGETS := csv template
FUZZ_LIB_csv := batch/common/csv.c batch/common/error.c batch/common/kdate.c \
	batch/common/strbuf.c batch/common/order_key.c batch/load/load_field.c batch/load/load_row.c \
	batch/load/load_spec.c render/barcode.c
FUZZ_LIB_template := render/template.c batch/common/error.c batch/common/sha256.c \
	batch/common/strbuf.c
FUZZ_TEST_SRC := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_REPLAY := $(FUZZ_TARGETS:%=$(OBJDIR)/fuzz-replay-%)
FUZZ_CC ?= clang
FUZZ_DIR := build/fuzz
FUZZ_BIN := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 12
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = $(STD) $(WARN) -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(KG_CFLAGS) \
	$(PKG_CFLAGS) -MMD -MP
MAIN_OBJ := $(MAIN_SRC:%.c=$(OBJDIR)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(OBJDIR)/%.o)

KIGEN := $(OBJDIR)/kigen
TEST_BIN := $(OBJDIR)/kigen-tests

.PHONY: po all deps build test test-run asan valgrind demo bench lint format format-check \
	db-start db-stop db-status db-destroy clean install uninstall build-install deb FORCE \
	fuzz fuzz-smoke fuzz-build fuzz-replay fuzz-merge

all: build

build: $(KIGEN) kigen $(MO_FILES)

kigen: $(KIGEN)
	$(Q)ln -sf $(KIGEN) kigen

$(KIGEN): $(LIB_OBJ) $(MAIN_OBJ)
	@echo "  LINK  $@"
	$(Q)$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(LIBS)

$(TEST_BIN): $(LIB_OBJ) $(TEST_OBJ)
	@echo "  LINK  $@"
	$(Q)$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(TEST_LIBS) $(LIBS)

# Per fuzz target: its replay driver (this build) and its libFuzzer binary (build/fuzz/).
define FUZZ_RULES
$(OBJDIR)/fuzz-replay-$(1): $(OBJDIR)/tests/fuzz/fuzz_replay.o $(OBJDIR)/tests/fuzz/fuzz_$(1).o \
		$(FUZZ_LIB_$(1):%.c=$(OBJDIR)/%.o)
	@echo "  LINK  $$@"
	$$(Q)$$(CC) $$(FINAL_LDFLAGS) -o $$@ $$^ -lm

$(FUZZ_DIR)/fuzz_$(1): $(FUZZ_DIR)/obj/tests/fuzz/fuzz_$(1).o $(FUZZ_LIB_$(1):%.c=$(FUZZ_DIR)/obj/%.o)
	@echo "  LINK  $$@ (libFuzzer)"
	$$(Q)$$(FUZZ_CC) -fsanitize=fuzzer $$(FUZZ_SAN) -o $$@ $$^ -lm
endef
$(foreach target,$(FUZZ_TARGETS),$(eval $(call FUZZ_RULES,$(target))))

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $< (fuzz)"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -I. -Ibatch -Itests -c -o $@ $<

$(OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(FINAL_CFLAGS) -I. -Ibatch -Itests -c -o $@ $<

$(OBJDIR)/batch/run/run_config.o $(OBJDIR)/batch/common/i18n.o: $(PATHS_STAMP)

$(PATHS_STAMP): FORCE
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' '$(KIGEN_DATADIR)' '$(KIGEN_CONFIG_FILE)' '$(KIGEN_LOCALEDIR)' | cmp -s - $@ || \
		printf '%s\n' '$(KIGEN_DATADIR)' '$(KIGEN_CONFIG_FILE)' '$(KIGEN_LOCALEDIR)' >$@

# Messages (batch/common/i18n.h): po/<lang>.po compiled into build/locale, the directory a
# build in the checkout reads (the installed one reads $(DATADIR)/locale). `make po`
# extracts the messages of the sources into build/kigen.pot and merges them into each
# catalogue, for a translator to fill in; tests/scripts/test_po.sh fails while one is
# missing.
# No source locations and the entries sorted by msgid: a catalogue changes only where its
# messages do (two branches that add messages merge without a conflict on line numbers).
XGETTEXT := xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ \
	--add-comments=TRANSLATORS: --package-name=kigen --msgid-bugs-address=kigen@example.org \
	--no-wrap --no-location --sort-output

build/locale/%/LC_MESSAGES/kigen.mo: po/%.po
	@mkdir -p $(dir $@)
	@echo "  MSGFMT $<"
	$(Q)msgfmt --check --output-file=$@ $<

po: build/kigen.pot
	$(Q)for po in $(PO_FILES); do msgmerge --quiet --update --backup=none --no-wrap --no-fuzzy-matching \
		--no-location --sort-output $$po build/kigen.pot && \
		msgattrib --no-obsolete --no-wrap --sort-output --output-file=$$po $$po || exit 1; done

build/kigen.pot: FORCE
	@mkdir -p $(dir $@)
	$(Q)$(XGETTEXT) --output=$@ $(LIB_SRC) $(MAIN_SRC)

$(GEN_SRC): $(SQL_SRC) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	@echo "  GEN   $@"
	$(Q)sh scripts/embed-sql.sh $@ $(SQL_SRC)

$(OBJDIR)/gen/%.o: $(OBJDIR)/gen/%.c
	@echo "  CC    $<"
	$(Q)$(CC) $(FINAL_CFLAGS) -Wno-overlength-strings -Ibatch -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJ:.o=.d) \
	$(FUZZ_TEST_SRC:%.c=$(OBJDIR)/%.d) $(wildcard $(FUZZ_DIR)/obj/*/*.d $(FUZZ_DIR)/obj/*/*/*.d)

deps:
	@sh scripts/deps.sh

# The README's test command: installs what is missing, builds, starts the embedded
# database, runs every suite (or T=<suite>), then the script tests (not with T).
test: deps
	$(Q)$(MAKE) --no-print-directory test-run

TEST_SCRIPTS := $(if $(T),,tests/scripts/test_po.sh tests/scripts/test_db_security.sh tests/scripts/test_roles.sh \
	tests/scripts/test_rls.sh tests/scripts/test_queue.sh tests/scripts/test_queue_many.sh \
	tests/scripts/test_install.sh \
	tests/scripts/test_deb.sh)
test-run: lint $(KIGEN) $(TEST_BIN) $(FUZZ_REPLAY) $(MO_FILES)
	$(Q)if [ "$(T)" != fuzz ]; then KIGEN_BIN=$(abspath $(KIGEN)) KIGEN_ROOT=$(CURDIR) KIGEN_TEST_DB=kigen_test sh scripts/with-db.sh \
		sh tests/run-tests.sh $(TEST_BIN) $(T) -- $(TEST_SCRIPTS); fi
	$(Q)if [ -z "$(T)" ] || [ "$(T)" = fuzz ]; then $(MAKE) --no-print-directory fuzz-smoke; fi

# The fuzz smoke of make test: every corpus file through the replay driver of this build,
# then FUZZ_SMOKE_SECONDS of libFuzzer per target when clang can link it.
fuzz-smoke: $(FUZZ_REPLAY)
	$(Q)sh scripts/fuzz.sh replay $(OBJDIR) $(FUZZ_TARGETS)
	$(Q)if sh scripts/fuzz.sh have-libfuzzer $(FUZZ_CC); then \
		$(MAKE) --no-print-directory fuzz-build && \
		sh scripts/fuzz.sh run $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS); \
	else echo "fuzz: no libFuzzer runtime for $(FUZZ_CC) (make fuzz installs it): replay only"; fi

fuzz-build: $(FUZZ_BIN)
	@:

fuzz-replay: $(FUZZ_REPLAY)
	@:

# What the fuzzing reached, into the committed corpus (the fewest inputs that reach new
# edges): review and commit them, so that the replay of make test covers those edges too.
fuzz-merge: fuzz-build
	$(Q)sh scripts/fuzz.sh merge $(FUZZ_TARGETS)

# Longer fuzzing: FUZZ_SECONDS per target (one process each: the machine is shared). New
# inputs stay in build/fuzz/work/<target>; a crash leaves its input in build/fuzz/artifacts/.
fuzz:
	$(Q)sh scripts/deps.sh fuzz
	$(Q)$(MAKE) --no-print-directory fuzz-build fuzz-replay
	$(Q)sh scripts/fuzz.sh replay $(OBJDIR) $(FUZZ_TARGETS)
	$(Q)sh scripts/fuzz.sh run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

asan: deps
	$(Q)$(MAKE) --no-print-directory BUILD=asan test-run

valgrind: deps $(KIGEN) $(TEST_BIN)
	$(Q)KIGEN_BIN=$(abspath $(KIGEN)) KIGEN_ROOT=$(CURDIR) KIGEN_VALGRIND=1 KIGEN_TEST_DB=kigen_test \
		sh scripts/with-db.sh \
		valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--quiet $(TEST_BIN) $(T)

demo: deps
	$(Q)$(MAKE) --no-print-directory build db-start
	$(Q)sh scripts/demo.sh $(abspath $(KIGEN))

# Benchmarks (not tests): ratios against the baselines named in the issues, one run.
bench: deps build $(OBJDIR)/rowread
	$(Q)sh scripts/with-db.sh sh scripts/bench.sh $(abspath $(KIGEN)) $(abspath $(OBJDIR)/rowread)

# The benchmark's single-row-mode baseline reader (not part of kigen).
$(OBJDIR)/rowread: scripts/rowread.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(STD) $(OPT) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

db-start:
	$(Q)sh scripts/db.sh start

db-stop:
	$(Q)sh scripts/db.sh stop

db-status:
	$(Q)sh scripts/db.sh status

db-destroy:
	$(Q)sh scripts/db.sh destroy

# Banned calls (docs/internals.md, house style): unbounded string functions, locale/time-zone dependent time.
BANNED := sprintf|strcpy|strcat|strncpy|strtok|atoi|atol|sscanf|mktime|localtime|gmtime|gets
# The repository stands alone: no tracked file reads, links or names the folder beside a
# checkout that the project was first specified in (its rules are docs/rules.md, its
# interfaces docs/formats.md, its test data tests/data/). A clone has no such folder.
OUTSIDE_REF := \.\./shared
lint:
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		found=$$(git grep -n -e '$(OUTSIDE_REF)' -- .); \
	else \
		found=$$(grep -rn --exclude-dir=.git --exclude-dir=build --exclude-dir=var \
			--exclude-dir=out -e '$(OUTSIDE_REF)' .); \
	fi; \
	if [ -n "$$found" ]; then echo "$$found"; \
		echo "lint: the lines above refer to a folder outside the repository, which a clone"; \
		echo "      does not have: cite docs/rules.md, docs/formats.md or tests/data/ instead"; \
		exit 1; fi
	@if grep -nE '#include "(\.\./batch/)?(db|export|load)/|libpq-fe\.h' render/*.c render/*.h; then \
		echo "lint: render/ draws; it does not query the database (docs/internals.md: house style)"; exit 1; fi
	@if command -v python3 >/dev/null; then \
		python3 scripts/lint_messages.py $(LIB_SRC) $(MAIN_SRC) || exit 1; \
	else echo "lint: messages not checked (no python3)"; fi
	@if grep -nE '(^|[^a-z_.>])($(BANNED))[[:space:]]*\(' $(LIB_SRC) $(MAIN_SRC) \
		$(wildcard batch/*.h batch/*/*.h render/*.h); then \
		echo "lint: banned call above (docs/internals.md: house style)"; exit 1; \
	else echo "lint: ok"; fi

FORMAT_SRC = $(LIB_SRC) $(MAIN_SRC) $(TEST_SRC) $(FUZZ_TEST_SRC) \
	$(wildcard batch/*.h batch/*/*.h render/*.h tests/*.h tests/fuzz/*.h)
format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

# Installation (README "Installing on a server", docs/operations.md): the binary built
# with the installed directories (build/install/kigen), the templates and the example
# configuration in DATADIR/kigen, the configuration in SYSCONFDIR/kigen (only when there
# is none: yours is never overwritten), the man page, the systemd units with the kigen
# user (sysusers.d) and its directories (tmpfiles.d). The files that name paths are
# copied with the installed ones put in (INSTALL_PATHS).
INSTALL ?= install
INSTALL_DIR := build/install
TEMPLATES := templates/notice.tmpl templates/enclosure.tmpl templates/inquiry.tmpl
UNITS := kigen-nightly.service kigen-nightly.timer
INSTALL_PATHS := sed -e 's|/usr/bin/kigen|$(BINDIR)/kigen|g' \
	-e 's|/usr/share/kigen|$(DATADIR)/kigen|g' -e 's|/etc/kigen|$(SYSCONFDIR)/kigen|g'

build-install:
	$(Q)$(MAKE) --no-print-directory BUILD=install $(INSTALL_DIR)/kigen $(MO_FILES)
	$(Q)$(INSTALL_PATHS) samples/kigen.conf >$(INSTALL_DIR)/kigen.conf
	$(Q)$(INSTALL_PATHS) man/kigen.1 >$(INSTALL_DIR)/kigen.1
	$(Q)for unit in $(UNITS); do $(INSTALL_PATHS) contrib/$$unit >$(INSTALL_DIR)/$$unit || exit 1; done

install: build-install
	$(INSTALL) -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(DATADIR)/kigen/templates' \
		$(foreach lang,$(PO_LANGS),'$(DESTDIR)$(DATADIR)/locale/$(lang)/LC_MESSAGES') \
		'$(DESTDIR)$(SYSCONFDIR)/kigen' '$(DESTDIR)$(MANDIR)/man1' '$(DESTDIR)$(UNITDIR)' \
		'$(DESTDIR)$(SYSUSERSDIR)' '$(DESTDIR)$(TMPFILESDIR)'
	$(INSTALL) -m 0755 $(INSTALL_DIR)/kigen '$(DESTDIR)$(BINDIR)/kigen'
	$(INSTALL) -m 0644 $(TEMPLATES) '$(DESTDIR)$(DATADIR)/kigen/templates'
	$(Q)for lang in $(PO_LANGS); do echo "$(INSTALL) -m 0644 build/locale/$$lang/LC_MESSAGES/kigen.mo $(DESTDIR)$(DATADIR)/locale/$$lang/LC_MESSAGES/kigen.mo"; \
		$(INSTALL) -m 0644 build/locale/$$lang/LC_MESSAGES/kigen.mo '$(DESTDIR)$(DATADIR)/locale/'$$lang/LC_MESSAGES/kigen.mo || exit 1; done
	$(INSTALL) -m 0644 $(INSTALL_DIR)/kigen.conf '$(DESTDIR)$(DATADIR)/kigen/kigen.conf.example'
	@if [ -e '$(DESTDIR)$(SYSCONFDIR)/kigen/kigen.conf' ]; then \
		echo "install: $(DESTDIR)$(SYSCONFDIR)/kigen/kigen.conf exists: kept as it is (the"; \
		echo "         new example is $(DESTDIR)$(DATADIR)/kigen/kigen.conf.example)"; \
	else echo "$(INSTALL) -m 0644 $(INSTALL_DIR)/kigen.conf $(DESTDIR)$(SYSCONFDIR)/kigen/kigen.conf"; \
		$(INSTALL) -m 0644 $(INSTALL_DIR)/kigen.conf '$(DESTDIR)$(SYSCONFDIR)/kigen/kigen.conf'; fi
	$(INSTALL) -m 0644 $(INSTALL_DIR)/kigen.1 '$(DESTDIR)$(MANDIR)/man1/kigen.1'
	$(INSTALL) -m 0644 $(addprefix $(INSTALL_DIR)/,$(UNITS)) '$(DESTDIR)$(UNITDIR)'
	$(INSTALL) -m 0644 contrib/kigen.sysusers '$(DESTDIR)$(SYSUSERSDIR)/kigen.conf'
	$(INSTALL) -m 0644 contrib/kigen.tmpfiles '$(DESTDIR)$(TMPFILESDIR)/kigen.conf'

# Everything install copied except the configuration, which is yours (as a package's
# conffile stays until purged); kigen's own directories when that empties them.
uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/kigen' '$(DESTDIR)$(MANDIR)/man1/kigen.1' \
		$(foreach tmpl,$(TEMPLATES),'$(DESTDIR)$(DATADIR)/kigen/$(tmpl)') \
		'$(DESTDIR)$(DATADIR)/kigen/kigen.conf.example' \
		$(foreach lang,$(PO_LANGS),'$(DESTDIR)$(DATADIR)/locale/$(lang)/LC_MESSAGES/kigen.mo') \
		$(foreach unit,$(UNITS),'$(DESTDIR)$(UNITDIR)/$(unit)') \
		'$(DESTDIR)$(SYSUSERSDIR)/kigen.conf' '$(DESTDIR)$(TMPFILESDIR)/kigen.conf'
	@for dir in '$(DESTDIR)$(DATADIR)/kigen/templates' '$(DESTDIR)$(DATADIR)/kigen'; do \
		[ ! -d "$$dir" ] || rmdir "$$dir" 2>/dev/null || echo "uninstall: $$dir kept: not empty"; done
	@[ ! -e '$(DESTDIR)$(SYSCONFDIR)/kigen/kigen.conf' ] || \
		echo "uninstall: $(DESTDIR)$(SYSCONFDIR)/kigen/kigen.conf kept (your configuration)"

# The Debian package (debian/), built from a copy of the source in build/deb/ so that the
# checkout stays clean; the .deb files land in build/deb/.
deb:
	$(Q)sh scripts/deb.sh build/deb

clean:
	rm -rf build kigen
