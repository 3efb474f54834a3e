# mycosim -- build, run, test.
#
#   make run     install missing Debian packages, build, run scenarios/quickstart.lua
#   make test    install, build, run every CUnit suite (ends with CUnit's summary)
#   make bench   release build, engine benchmark suite, rewrites doc/performance.md
#                (BENCH=quick: under a minute, prints the tables only)
#   make bench-mcf  min-cost flow solver against LEMON and GLPK (table for doc/solvers.md
#                and doc/performance.md; SIZES="8192 65536" for the quick rows)
#   make fuzz    build the libFuzzer harnesses of tests/fuzz/ with clang and run each
#                FUZZ_SECONDS (60) long; FUZZ_HARNESS=dimacs for one (scripts/fuzz.sh)
#   make fuzz-replay  replay the saved fuzz corpus and findings under ASan/UBSan
#                (cc is enough: no clang, no libFuzzer); CI runs it
#   make mutants plant each bug of tests/mutants/mutants.txt in a copy of the tree
#                and run the suite: killed/survived and a score (scripts/mutants.sh;
#                MUTANTS_ONLY="N M" for some); too slow for CI
#   make layers  fail if files of sim/ call each other in a circle (scripts/layers.sh,
#                on nm of the objects; CI runs it)
#   make clean   remove build/ (and the other build folders)
#   make MPI=1   the distributed build in build-mpi/ (mpicc; run with mpirun -np P)
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
# make MPI=1: the distributed build (mpicc, sim/par.c over MPI) in build-mpi/;
# the plain build links no MPI library.
ifeq ($(MPI),1)
CC       = mpicc
B        = build-mpi
CPPFLAGS += -DMYCOSIM_MPI
endif
LIBSRC   = $(filter-out sim/main.c,$(wildcard sim/*.c models/*.c solvers/*.c))
LIBOBJ   = $(LIBSRC:%.c=$(B)/%.o)
TESTSRC  = $(wildcard tests/*.c)
TESTOBJ  = $(TESTSRC:%.c=$(B)/%.o)
HEADERS  = $(wildcard sim/*.h models/*.h solvers/*.h tests/*.h)

SCENARIO ?= scenarios/quickstart.lua
ARGS     ?=

.PHONY: all deps run test bench bench-mcf clean check-headers layers fuzz fuzz-replay mutants

all: $(B)/mycosim

deps:
	@sh scripts/deps.sh

# The compiler and flags a build used: a change (EXTRA_CFLAGS=-Werror, OPT)
# rewrites $(B)/.flags and so rebuilds everything, instead of linking stale objects.
FLAGS_NOW = $(CC) $(CPPFLAGS) $(CFLAGS) $(LDLIBS)
$(B)/.flags: FORCE
	@mkdir -p $(B)
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' > $@

.PHONY: FORCE
FORCE:

$(B)/%.o: %.c $(HEADERS) $(B)/.flags
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

# Fuzzing (scripts/fuzz.sh): tests/fuzz/fuzz_<h>.c are libFuzzer harnesses;
# replay_main.c runs one on saved inputs without libFuzzer, in a sanitizer
# build of the library (REPLAY_B), for CI.
FUZZ_HARNESS  ?= scen setvalue dimacs topo
FUZZ_SECONDS  ?= 60
REPLAY_B      ?= build-replay

fuzz: deps
	@FUZZ_SECONDS="$(FUZZ_SECONDS)" FUZZ_HARNESS="$(FUZZ_HARNESS)" bash scripts/fuzz.sh

mutants: deps
	@bash scripts/mutants.sh

fuzz-replay: deps
	@FUZZ_HARNESS="$(FUZZ_HARNESS)" REPLAY_B="$(REPLAY_B)" bash scripts/fuzz.sh replay

$(B)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c tests/fuzz/fuzz.h $(B)/libmycosim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) tests/fuzz/fuzz_$*.c tests/fuzz/replay_main.c $(B)/libmycosim.a $(LDLIBS) -o $@

# Every header compiles on its own.
check-headers:
	@for h in $(HEADERS); do \
	    echo "#include \"$$(basename $$h)\"" | $(CC) $(CPPFLAGS) -I$$(dirname $$h) $(WARN) \
	        -fsyntax-only -x c - || exit 1; done; echo "headers: ok"

# Calls between the files of sim/ run one way, main down to the event heap
# (doc/architecture.md). evq.o is checked also as `make bench` builds it with
# -DEVQ_CALENDAR, where it calls evq_cal.c.
layers: $(filter $(B)/sim/%,$(LIBOBJ)) $(B)/sim/main.o $(B)/variant/calendar/evq.o
	@bash scripts/layers.sh $^

$(B)/variant/calendar/evq.o: sim/evq.c $(HEADERS) $(B)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DEVQ_CALENDAR -c $< -o $@

clean:
	rm -rf $(B) build-asan build-bench build-bench-heap2 build-bench-heap4 build-bench-cal build-mpi
