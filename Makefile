# kigen - build, test, demo and the embedded database.
#
#   make demo      install or check what is missing, start the embedded database, run the demo
#   make test      everything the tests need, then all tests (T=<suite> runs one suite)
#   make asan      the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind  the whole suite under valgrind (memcheck)
#   make bench     benchmarks against their baselines (BENCH_RESIDENTS=N to scale)
#   make lint      banned calls, layers, no file outside the repository; make format-check
#   make db-start / db-stop / db-status / db-destroy: the embedded PostgreSQL (var/, or a
#                  private directory in /var/tmp: README "The embedded database")
#
# BUILD=release|asan selects the object directory; V=1 shows the commands.

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

FINAL_CFLAGS = $(STD) -pthread $(WARN) $(OPT) $(DEBUG) $(SAN) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP
FINAL_LDFLAGS = $(SAN) $(LDFLAGS)
PKGS := libpq cairo cairo-ft freetype2 harfbuzz xlsxwriter
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
LIB_SRC := $(sort $(wildcard batch/common/*.c batch/rules/*.c batch/db/*.c batch/load/*.c batch/run/*.c batch/forms/*.c \
	batch/sample/*.c batch/export/*.c batch/cmd_*.c render/*.c))
SQL_SRC := $(sort $(wildcard sql/[0-9][0-9][0-9]_*.sql))
GEN_SRC := $(OBJDIR)/gen/migrations_sql.c
MAIN_SRC := batch/main.c
TEST_SRC := $(sort $(wildcard tests/*.c tests/*/*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(OBJDIR)/%.o) $(OBJDIR)/gen/migrations_sql.o
MAIN_OBJ := $(MAIN_SRC:%.c=$(OBJDIR)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(OBJDIR)/%.o)

KIGEN := $(OBJDIR)/kigen
TEST_BIN := $(OBJDIR)/kigen-tests

.PHONY: all deps build test test-run asan valgrind demo bench lint format format-check \
	db-start db-stop db-status db-destroy clean FORCE

all: build

build: $(KIGEN) kigen

kigen: $(KIGEN)
	$(Q)ln -sf $(KIGEN) kigen

$(KIGEN): $(LIB_OBJ) $(MAIN_OBJ)
	@echo "  LINK  $@"
	$(Q)$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(LIBS)

$(TEST_BIN): $(LIB_OBJ) $(TEST_OBJ)
	@echo "  LINK  $@"
	$(Q)$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(TEST_LIBS) $(LIBS)

$(OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(FINAL_CFLAGS) -I. -Ibatch -Itests -c -o $@ $<

$(GEN_SRC): $(SQL_SRC) scripts/embed-sql.sh
	@mkdir -p $(dir $@)
	@echo "  GEN   $@"
	$(Q)sh scripts/embed-sql.sh $@ $(SQL_SRC)

$(OBJDIR)/gen/%.o: $(OBJDIR)/gen/%.c
	@echo "  CC    $<"
	$(Q)$(CC) $(FINAL_CFLAGS) -Wno-overlength-strings -Ibatch -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

deps:
	@sh scripts/deps.sh

# The README's test command: installs what is missing, builds, starts the embedded
# database, runs every suite (or T=<suite>), then the script tests (not with T).
test: deps
	$(Q)$(MAKE) --no-print-directory test-run

TEST_SCRIPTS := $(if $(T),,tests/scripts/test_db_security.sh)
test-run: lint $(KIGEN) $(TEST_BIN)
	$(Q)KIGEN_BIN=$(abspath $(KIGEN)) KIGEN_ROOT=$(CURDIR) KIGEN_TEST_DB=kigen_test sh scripts/with-db.sh \
		sh tests/run-tests.sh $(TEST_BIN) $(T) -- $(TEST_SCRIPTS)

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
	@if grep -nE '(^|[^a-z_.>])($(BANNED))[[:space:]]*\(' $(LIB_SRC) $(MAIN_SRC) \
		$(wildcard batch/*.h batch/*/*.h render/*.h); then \
		echo "lint: banned call above (docs/internals.md: house style)"; exit 1; \
	else echo "lint: ok"; fi

FORMAT_SRC = $(LIB_SRC) $(MAIN_SRC) $(TEST_SRC) $(wildcard batch/*.h batch/*/*.h render/*.h tests/*.h)
format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

clean:
	rm -rf build kigen
