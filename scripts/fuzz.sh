#!/usr/bin/env bash
# fuzz.sh -- build the libFuzzer harnesses in tests/fuzz/ and run each in turn,
# or replay the saved inputs without libFuzzer.
#
#   scripts/fuzz.sh                 (or: make fuzz)
#   scripts/fuzz.sh replay          (or: make fuzz-replay; needs only cc)
#
# Environment (make passes its variables of the same names):
#   FUZZ_SECONDS=60     time per harness
#   FUZZ_HARNESS="..."  which harnesses (default: scen setvalue dimacs topo)
#   FUZZ_MERGE=1        afterwards, minimise the committed corpus together with
#                       the new finds into tests/fuzz/corpus/<h> (libFuzzer -merge=1)
#   FUZZ_KEEP_GOING=1   go on after a finding (-fork=1 -ignore_crashes/timeouts/ooms)
#   FUZZ_TIMEOUT=25     seconds before one input counts as a hang
#   FUZZ_RSS_MB=2048    memory limit of the fuzzing process
#   FUZZ_ARGS="..."     more libFuzzer flags
#   FUZZ_B=build-fuzz   build and scratch folder
#
# The committed corpus tests/fuzz/corpus/<h> and the saved findings
# tests/fuzz/findings/<h> seed each run and are not written to: new corpus
# units go to $FUZZ_B/fuzz/new/<h>, crashing inputs to $FUZZ_B/fuzz/findings/<h>.
# Installs clang and its fuzzer runtime (clang, libclang-rt-14-dev) when missing,
# with sudo when not root. Prints executions, exec/s and findings per harness;
# exits 1 if anything was found.
#
# Replay builds tests/fuzz/replay_main.c with each harness against an
# ASan/UBSan build of the library in $REPLAY_B (build-replay) and runs it on
# tests/fuzz/corpus/<h> and tests/fuzz/findings/<h>, except the findings listed
# in tests/fuzz/findings/PENDING (a crash whose fix has not landed yet; the
# fix removes its line, and from then on it is a regression test). Exits
# non-zero on the first sanitizer report or broken invariant, naming the input.
# FUZZ_PENDING=1 replays the pending findings too.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = replay ]; then
    RB=${REPLAY_B:-build-replay}
    harnesses=${FUZZ_HARNESS:-scen setvalue dimacs topo}
    mkdir -p "$RB"
    make --no-print-directory -j2 $(for h in $harnesses; do echo "$RB/fuzz/replay_$h"; done) B="$RB" \
        OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
        >"$RB/build.log" 2>&1 || { cat "$RB/build.log" >&2; echo "fuzz: replay build failed" >&2; exit 1; }
    pending=tests/fuzz/findings/PENDING
    for h in $harnesses; do
        inputs=("tests/fuzz/corpus/$h")
        skipped=0
        for f in tests/fuzz/findings/"$h"/*; do
            [ -f "$f" ] || continue
            if [ "${FUZZ_PENDING:-0}" != 1 ] && [ -f "$pending" ] && grep -q "^$f\b" "$pending"; then
                skipped=$((skipped + 1))
            else
                inputs+=("$f")
            fi
        done
        printf '%-9s ' "$h"
        ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:abort_on_error=1} \
            "./$RB/fuzz/replay_$h" "${inputs[@]}"
        if [ "$skipped" -gt 0 ]; then
            echo "          ($skipped pending findings not replayed: see $pending)"
        fi
    done
    exit 0
fi

seconds=${FUZZ_SECONDS:-60}
harnesses=${FUZZ_HARNESS:-scen setvalue dimacs topo}
B=${FUZZ_B:-build-fuzz}
CC=${FUZZ_CC:-clang}
timeout=${FUZZ_TIMEOUT:-25}
rss=${FUZZ_RSS_MB:-2048}
SAN="-O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=undefined"

# --- toolchain ---------------------------------------------------------------
sh scripts/deps.sh
missing=""
for p in clang libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "fuzz: installing$missing" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq $missing >&2
fi

# --- build: the library with coverage and sanitizers, then one binary per harness.
# FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION (the libFuzzer/OSS-Fuzz convention)
# lowers the scenario instruction limits 100-fold (sim/sandbox.c): the same limit
# paths, reached 100 times sooner, so inputs that run to the limit do not eat
# the campaign (they brought the scen harness down to a few executions/s).
mkdir -p "$B/fuzz"
make --no-print-directory -j2 "$B/libmycosim.a" B="$B" CC="$CC" \
    OPT="$SAN -fsanitize=fuzzer-no-link,address,undefined -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION" \
    >"$B/build.log" 2>&1 \
    || { cat "$B/build.log" >&2; echo "fuzz: library build failed" >&2; exit 1; }
PKGS="igraph gsl lua5.4"
CPPFLAGS="-D_POSIX_C_SOURCE=200809L -Isim -Isolvers $(pkg-config --cflags $PKGS)"
LDLIBS="$(pkg-config --libs $PKGS) -lglpk -lm"
for h in $harnesses; do
    [ -f "tests/fuzz/fuzz_$h.c" ] || { echo "fuzz: no harness tests/fuzz/fuzz_$h.c" >&2; exit 2; }
    # shellcheck disable=SC2086
    $CC $CPPFLAGS $SAN -fsanitize=fuzzer,address,undefined -std=c11 -Wall -Wextra \
        "tests/fuzz/fuzz_$h.c" "$B/libmycosim.a" $LDLIBS -o "$B/fuzz/fuzz_$h"
done

# --- run ---------------------------------------------------------------------
keep=()
[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && keep=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
summary=""
found_any=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for h in $harnesses; do
    new="$B/fuzz/new/$h" art="$B/fuzz/findings/$h" log="$B/fuzz/$h.log"
    mkdir -p "$new" "$art" "tests/fuzz/corpus/$h"
    seeds=("tests/fuzz/corpus/$h")
    [ -d "tests/fuzz/findings/$h" ] && seeds+=("tests/fuzz/findings/$h")
    stamp="$B/fuzz/.stamp-$h"
    touch "$stamp"
    echo "== fuzz $h: ${seconds}s (log: $log)"
    rc=0
    # shellcheck disable=SC2086
    "./$B/fuzz/fuzz_$h" "$new" "${seeds[@]}" -max_total_time="$seconds" -print_final_stats=1 \
        -timeout="$timeout" -rss_limit_mb="$rss" -artifact_prefix="$art/" "${keep[@]}" \
        ${FUZZ_ARGS:-} >"$log" 2>&1 || rc=$?
    # Executions: the final stats line; in fork mode, the sum the parent last printed.
    execs=$(awk '/stat::number_of_executed_units:/ {n = $2} END {print n + 0}' "$log")
    if [ "$execs" = 0 ]; then
        execs=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -E 's/^#([0-9]+).*/\1/' || true)
        execs=${execs:-0}
    fi
    found=$(find "$art" -type f -newer "$stamp" | wc -l)
    if [ "$rc" -ne 0 ] && [ "$found" -eq 0 ] && [ "${#keep[@]}" -eq 0 ]; then
        echo "fuzz: $h exited $rc without an artifact; see $log" >&2
        tail -20 "$log" >&2
        found=1
    fi
    if [ "$found" -gt 0 ]; then found_any=1; fi
    rate=$(awk '/stat::average_exec_per_sec:/ {r = $2} END {print r + 0}' "$log")
    if [ "$rate" = 0 ]; then rate=$(( execs / (seconds > 0 ? seconds : 1) )); fi
    summary+=$(printf '%-9s %6ss %12s execs %8s exec/s %5s new units %3s findings' \
        "$h" "$seconds" "$execs" "$rate" "$(find "$new" -type f | wc -l)" "$found")$'\n'
    if [ "$found" -gt 0 ]; then
        grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: |.*runtime error:)' "$log" | head -5 >&2 || true
        find "$art" -type f -newer "$stamp" | sed 's/^/    finding: /' >&2
    fi
    if [ "${FUZZ_MERGE:-0}" = 1 ]; then
        merged="$B/fuzz/merged/$h"
        rm -rf "$merged" && mkdir -p "$merged"
        "./$B/fuzz/fuzz_$h" -merge=1 -timeout="$timeout" -rss_limit_mb="$rss" "$merged" \
            "tests/fuzz/corpus/$h" "$new" >"$B/fuzz/$h.merge.log" 2>&1
        rm -rf "tests/fuzz/corpus/$h" && mv "$merged" "tests/fuzz/corpus/$h"
        echo "   merged: tests/fuzz/corpus/$h now $(find "tests/fuzz/corpus/$h" -type f | wc -l) units"
    fi
done
echo "== fuzz summary"
printf '%s' "$summary"
if [ "$found_any" -ne 0 ]; then
    echo "fuzz: findings under $B/fuzz/findings/; copy each to tests/fuzz/findings/<harness>/ once understood"
    exit 1
fi
