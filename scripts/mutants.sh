#!/usr/bin/env bash
# mutants.sh -- mutation testing: does the suite catch planted bugs?
#
#   scripts/mutants.sh              (or: make mutants)
#   MUTANTS_ONLY="3 7" scripts/mutants.sh  just mutants 3 and 7 (numbers as printed)
#   MUTANTS_LIST=file scripts/mutants.sh   another list
#
# Copies the working tree (tracked and untracked, not ignored files) to
# $MUTANTS_B/tree (build-mutants/tree), builds it once, checks that the suite
# passes there, then for each planted bug of tests/mutants/mutants.txt:
# replaces its text (which must occur exactly once in its file), rebuilds,
# and runs the CUnit suites one at a time, quickest first, stopping at the
# first that fails: the mutant is KILLED by that suite. A mutant that makes a
# suite run longer than MUTANTS_TIMEOUT seconds (default: 5 x the suite's
# own time, at least 60) counts as killed by the timeout, as CI would stop
# it. One that passes every suite SURVIVED. The file is restored after each.
# Prints one line per mutant, then the score (killed / valid mutants).
# A stale mutant (text not found once) or one that does not compile is an
# error in the list: the run exits 2 after the others.
#
# The working tree is never modified. Takes about (suite time) x (number
# of survivors) + (time to first failing suite) x (killed ones): see
# doc/validation.md for the last run's figures.
set -uo pipefail
cd "$(dirname "$0")/.."

LIST=${MUTANTS_LIST:-tests/mutants/mutants.txt}
MB=${MUTANTS_B:-build-mutants}
TREE=$MB/tree
ONLY=${MUTANTS_ONLY:-}
# Quickest suites first: a killed mutant is found sooner.
SUITES=${MUTANTS_SUITES:-rng evq mcf topo net phase pernode scen credit flow immune phold cli plot sweep tune run gossip}
# Every suite the runner registers must be in that list: a suite left out
# would let its mutants survive unseen (it happened with phase and pernode).
registered=$(sed -n 's/^ *&suite_\([a-z_]*\),$/\1/p' tests/run_tests.c)
for r in $registered; do
    case " $SUITES " in *" $r "*) ;; *) echo "mutants: suite $r is not in SUITES" >&2; exit 2;; esac
done

mkdir -p "$MB"
rm -rf "$TREE"
mkdir -p "$TREE"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$TREE"

build() {
    make -C "$TREE" --no-print-directory -s -j2 build/mycosim build/run_tests >"$MB/build.log" 2>&1
}

# run_suites: prints the first failing suite ("timeout:<suite>" on a hang), or nothing.
run_suites() {
    for s in $SUITES; do
        local limit=${MUTANTS_TIMEOUT:-${base_time[$s]:-60}}
        (cd "$TREE" && MYCOSIM_TEST_FAILFAST=1 timeout -k 5 "$limit" ./build/run_tests "$s" >"../suite.log" 2>&1)
        local rc=$?
        if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
            echo "timeout:$s"
            return
        fi
        if [ $rc -ne 0 ]; then            # run_tests exits 1 on any failed assertion
            echo "$s"
            return
        fi
    done
}

echo "mutants: building a copy of the tree in $TREE"
if ! build; then
    cat "$MB/build.log" >&2
    echo "mutants: the unmutated tree does not build" >&2
    exit 2
fi
declare -A base_time
echo "mutants: the suites on the unmutated tree"
start=$(date +%s)
for s in $SUITES; do
    t0=$(date +%s)
    if ! (cd "$TREE" && ./build/run_tests "$s" >"../suite.log" 2>&1); then
        tail -20 "$MB/suite.log" >&2
        echo "mutants: suite $s fails without any mutant" >&2
        exit 2
    fi
    d=$(( $(date +%s) - t0 ))
    base_time[$s]=$(( d * 5 > 60 ? d * 5 : 60 ))
    printf '  %-7s %3d s\n' "$s" "$d"
done
echo "mutants: suite $(( $(date +%s) - start )) s"

# Parse the list into parallel arrays.
names=() files=() olds=() news=()
rule="" file="" old=""
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        "# "*) rule=${line#\# } ;;
        "@ "*) file=${line#@ } ;;
        "- "*) old=${line#- } ;;
        "+ "*) names+=("$rule"); files+=("$file"); olds+=("$old"); news+=("${line#+ }") ;;
    esac
done <"$LIST"

# Every entry must still match its file exactly once, also in a partial run
# (MUTANTS_ONLY): a list that drifts from the code fails at once.
stale=0
for i in "${!names[@]}"; do
    f="$TREE/${files[$i]}"
    text=$( [ -f "$f" ] && cat "$f"; printf x)
    text=${text%x}
    rest=${text#*"${olds[$i]}"}
    if [ ! -f "$f" ] || [ "$rest" = "$text" ] || [ "${rest#*"${olds[$i]}"}" != "$rest" ]; then
        printf '%2d STALE     %s: the text does not occur exactly once in %s\n' $((i + 1)) "${names[$i]}" "${files[$i]}"
        stale=$((stale + 1))
    fi
done
if [ $stale -gt 0 ]; then
    echo "mutants: $stale stale entries in $LIST: update them to the code first" >&2
    exit 2
fi

killed=0 survived=0 bad=0
survivors=()
start=$(date +%s)
for i in "${!names[@]}"; do
    n=$((i + 1))
    [ -n "$ONLY" ] && [[ " $ONLY " != *" $n "* ]] && continue
    f="$TREE/${files[$i]}"
    old=${olds[$i]} new=${news[$i]}
    if [ ! -f "$f" ]; then
        printf '%2d STALE     %s: no file %s\n' "$n" "${names[$i]}" "${files[$i]}"
        bad=$((bad + 1))
        continue
    fi
    text=$(cat "$f"; printf x)
    text=${text%x}
    rest=${text#*"$old"}
    if [ "$rest" = "$text" ] || [ "${rest#*"$old"}" != "$rest" ]; then
        printf '%2d STALE     %s: the text does not occur exactly once in %s\n' "$n" "${names[$i]}" "${files[$i]}"
        bad=$((bad + 1))
        continue
    fi
    cp -p "$f" "$MB/saved"
    printf '%s' "${text/"$old"/"$new"}" >"$f"
    t0=$(date +%s)
    if ! build; then
        printf '%2d NO-BUILD  %s (%s)\n' "$n" "${names[$i]}" "${files[$i]}"
        bad=$((bad + 1))
    else
        by=$(run_suites)
        if [ -n "$by" ]; then
            killed=$((killed + 1))
            printf '%2d killed    %-9s %3ds  %s\n' "$n" "$by" $(( $(date +%s) - t0 )) "${names[$i]}"
        else
            survived=$((survived + 1))
            survivors+=("$n")
            printf '%2d SURVIVED  %-9s %3ds  %s (%s)\n' "$n" "-" $(( $(date +%s) - t0 )) "${names[$i]}" "${files[$i]}"
        fi
    fi
    cp -p "$MB/saved" "$f"
    touch "$f"
done
build >/dev/null 2>&1 || true
total=$((killed + survived))
echo "mutants: $killed killed, $survived survived of $total ($(( total ? 100 * killed / total : 0 ))%)" \
     "in $(( $(date +%s) - start )) s${survivors[*]:+; survivors: ${survivors[*]}}"
if [ $bad -gt 0 ]; then
    echo "mutants: $bad stale or broken entries in $LIST" >&2
    exit 2
fi
exit 0
