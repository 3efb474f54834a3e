# mycosim -- build, run, test.
#
#   make run     install missing Debian packages, build, run scenarios/quickstart.lua
#   make test    install, build, run every CUnit suite (ends with CUnit's summary)
#   make bench   release build, engine benchmark suite, rewrites doc/performance.md
#                (BENCH=quick: under a minute, prints the tables only)
#   make bench-mcf  min-cost flow solver against LEMON and GLPK (table for doc/solvers.md
#                and doc/performance.md; SIZES="8192 65536" for the quick rows)
#   make clean   remove build/
#
# Dependencies are found with pkg-config (GLPK ships no .pc file: -lglpk).
# Variables are expanded when a recipe runs, after scripts/deps.sh has
# installed what was missing.

CC      ?= cc
OPT     ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wwrite-strings
PKGS     = igraph gsl lua5.4
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -Isim -Isolvers $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CFLAGS   = $(OPT) $(WARN) $(EXTRA_CFLAGS)
LDLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lglpk -lm
TESTLIBS = $(shell pkg-config --libs cunit 2>/dev/null)

B        = build
LIBSRC   = $(filter-out sim/main.c,$(wildcard sim/*.c models/*.c solvers/*.c))
LIBOBJ   = $(LIBSRC:%.c=$(B)/%.o)
TESTSRC  = $(wildcard tests/*.c)
TESTOBJ  = $(TESTSRC:%.c=$(B)/%.o)
HEADERS  = $(wildcard sim/*.h models/*.h solvers/*.h tests/*.h)

SCENARIO ?= scenarios/quickstart.lua
ARGS     ?=

.PHONY: all deps run test bench bench-mcf clean check-headers

all: $(B)/mycosim

deps:
	@sh scripts/deps.sh

$(B)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/libmycosim.a: $(LIBOBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/mycosim: $(B)/sim/main.o $(B)/libmycosim.a
	$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(B)/run_tests: $(TESTOBJ) $(B)/libmycosim.a
	$(CC) $(CFLAGS) $^ $(LDLIBS) $(TESTLIBS) -o $@

run: deps
	@$(MAKE) --no-print-directory $(B)/mycosim
	./$(B)/mycosim run $(SCENARIO) $(ARGS)

test: deps
	@$(MAKE) --no-print-directory $(B)/mycosim $(B)/run_tests
	./$(B)/run_tests

bench: deps
	@bash scripts/bench.sh

bench-mcf: deps
	@bash scripts/bench/bench_mcf.sh "$(SIZES)"

# Every header compiles on its own.
check-headers:
	@for h in $(HEADERS); do \
	    echo "#include \"$$(basename $$h)\"" | $(CC) $(CPPFLAGS) -I$$(dirname $$h) $(WARN) \
	        -fsyntax-only -x c - || exit 1; done; echo "headers: ok"

clean:
	rm -rf $(B) build-asan build-bench build-bench-heap2 build-bench-heap4 build-bench-cal
