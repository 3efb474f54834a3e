#!/usr/bin/env bash
# ab.sh -- is a change slower? The same workloads on two commits, alternated.
#
#   scripts/bench/ab.sh OLD NEW [RUNS]      e.g. scripts/bench/ab.sh 67a2fb0 HEAD 5
#
# Builds both commits in release mode (temporary git worktrees), then runs
# PHOLD at 1k and 1M nodes and gossip push-pull at 1M nodes (the workloads of
# make bench) RUNS times each (default 5), alternating old and new so that a
# drift of the machine hits both alike, and prints the median events/s of
# each and the ratio new / old. Noise on this 2-core machine is a few
# percent: a ratio within about 0.95..1.05 is "no change".
# A fourth row runs gossip 1M on NEW only with 1% of the nodes suspended at
# t = 0 (isolate{}), the cost of standing once it is used.
set -euo pipefail
cd "$(dirname "$0")/../.."
old=$1 new=$2 runs=${3:-5}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/old" >/dev/null 2>&1 || true;
      git worktree remove --force "$tmp/new" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
for side in old new; do
    rev=${!side}
    git worktree add --detach "$tmp/$side" "$rev" >/dev/null 2>&1
    make -C "$tmp/$side" --no-print-directory B=build-ab build-ab/mycosim OPT="-O2 -g -DNDEBUG" >/dev/null
done

cp scripts/bench/phold.lua scripts/bench/gossip.lua "$tmp/"
# The same, 1% of the nodes suspended from the start: coverage is then never
# complete, so it stops at the time the plain run needs (about 13 s at 1M).
sed -e 's/if sim.metric.*then stop {} end/if sim.time >= 13 then stop {} end/' \
    "$tmp/gossip.lua" > "$tmp/gossip_cut.lua"
echo 'at(0, isolate { fraction = 0.01, level = "suspended" })' >> "$tmp/gossip_cut.lua"

# rate SIDE SCENARIO N DURATION: events/s of the run phase
rate() {
    "$tmp/$1/build-ab/mycosim" run "$2" --quiet --no-plot --stats --out "$tmp/out" \
        --set topology.n="$3" --set scenario.duration="$4" 2>&1 | awk '/^run/ {print $4}'
}
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

printf '| workload | nodes | %s events/s | %s events/s | new / old |\n|---|---:|---:|---:|---:|\n' "$old" "$new"
for w in "phold 1000 2000" "phold 1000000 20" "gossip 1000000 1000"; do
    set -- $w
    : > "$tmp/o"; : > "$tmp/n"
    for _ in $(seq "$runs"); do
        rate old "$tmp/$1.lua" "$2" "$3" >> "$tmp/o"
        rate new "$tmp/$1.lua" "$2" "$3" >> "$tmp/n"
    done
    o=$(median < "$tmp/o"); n=$(median < "$tmp/n")
    awk -v w="$1" -v k="$2" -v o="$o" -v n="$n" \
        'BEGIN {printf "| %s | %d | %.2fM | %.2fM | %.3f |\n", w, k, o / 1e6, n / 1e6, n / o}'
done
: > "$tmp/c"
for _ in $(seq "$runs"); do rate new "$tmp/gossip_cut.lua" 1000000 1000 >> "$tmp/c"; done
awk -v c="$(median < "$tmp/c")" \
    'BEGIN {printf "| gossip, 1%% suspended (new only) | 1000000 | - | %.2fM | - |\n", c / 1e6}'
