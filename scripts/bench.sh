#!/usr/bin/env bash
# bench.sh -- the benchmark suite behind `make bench` (BENCH=quick for a one-minute check).
#
# Builds release binaries (one per event-queue implementation), runs
#   1. PHOLD (ROSS semantics) at 1k, 100k, 1M, 4M nodes: exponential variant
#      (lookahead 0.1) median of 3, and ROSS's default (every delay 1.0);
#   2. gossip push-pull, fanout 1, on Barabasi-Albert m = 3 with lognormal
#      latency, until every node knows (a stop{} action): 100k, 1M, 10M nodes;
#   2b. credit: 100k members trading for 365 days (quick: 30 days), trades/s;
#   2c. flow: 100k places, 2 resources: a warm re-solve (run-phase difference
#       of 6 and 3 periods, / 6) against a cold solve of a dumped period by
#       our simplex (scripts/bench/ns_bench.c) and by LEMON (lemon_ns.cpp,
#       when liblemon-dev is installed; make bench-mcf installs it);
#   2d. immune: scenarios/immune_outbreak.lua (2% bad, panels of 3 of 5) at
#       100k nodes for 600 s and 1M nodes for 300 s (quick: 100k, 120 s):
#       wall time, events/s, and how many bad actors are isolated, how fast;
#   2e. ranks: PHOLD 1M LPs (lookahead 0.1) with make MPI=1 on 1 and 2 ranks, speed-up
#       (quick: skipped);
#   3. the queue comparison: radix buckets (default) vs 4-ary heap vs binary
#      heap vs calendar queue, on the PHOLD and gossip event mixes at 1k and
#      1M nodes;
# and prints Markdown tables. The full run rewrites doc/performance.md.
# Figures come from `mycosim run --stats` (run phase only: setup and output
# excluded, as ROSS reports its event rate); peak RSS from getrusage.
# bytes/node is marginal: (peak RSS - peak RSS of the smallest run) / (extra
# nodes), so the process's fixed few MiB do not count; it includes the
# pending events (32 bytes each) and, for gossip, the peak of igraph's
# topology generation, freed before the run.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${BENCH:-full}
OPT_RELEASE="-O2 -g -DNDEBUG"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

build() {   # build DIR EXTRA_FLAGS
    make --no-print-directory B="$1" "$1/mycosim" OPT="$OPT_RELEASE $2" >/dev/null
}
build build-bench ""
build build-bench-heap4 "-DEVQ_HEAP_ARITY=4"
build build-bench-heap2 "-DEVQ_HEAP_ARITY=2"
build build-bench-cal "-DEVQ_CALENDAR"

cp scripts/bench/phold.lua scripts/bench/gossip.lua scripts/bench/credit.lua scripts/bench/flow.lua "$tmp/"
cp scenarios/immune_outbreak.lua "$tmp/"

# one BIN SCENARIO N DURATION [more --set]: prints "run_s events events_per_s rss_mib topo_s"
one() {
    local bin=$1 scen=$2 n=$3 dur=$4; shift 4
    "$bin/mycosim" run "$scen" --quiet --no-plot --stats --out "$tmp/out" \
        --set topology.n="$n" --set scenario.duration="$dur" "$@" 2>&1 |
    awk '/^topology/ {t=$2} /^run/ {r=$2; e=$3; s=$4} /^output/ {m=$3}
         END {printf "%s %s %s %s %s\n", r, e, s, m, t}'
}

# median3 BIN SCENARIO N DURATION [sets]: the run with the median events/s of 3
median3() {
    for i in 1 2 3; do one "$@"; done | sort -k3 -g | sed -n 2p
}

phold_dur() {   # about 20M events at every size, at least 4 simulated seconds
    local d=$(( 20000000 / $1 )); [ "$d" -gt 2000 ] && d=2000; [ "$d" -lt 4 ] && d=4; echo "$d"
}

if [ "$MODE" = quick ]; then
    PHOLD_SIZES="1000 100000"; GOSSIP_SIZES="100000"; QUEUE_SIZES="1000"
else
    PHOLD_SIZES="1000 100000 1000000 4000000"; GOSSIP_SIZES="100000 1000000 10000000"
    QUEUE_SIZES="1000 1000000"
fi
ross() {   # ROSS 8.1.1 sequential PHOLD, exponential variant, measured on this machine kind (issue 3)
    case $1 in 1000) echo 2.50;; 100000) echo 0.32;; 1000000) echo 0.18;; 4000000) echo 0.11;; esac
}

out="$tmp/tables.md"
{
echo "### PHOLD, exponential variant (lookahead 0.1, mean 1.0, remote 0.25, population 1), median of 3"
echo
echo "| nodes | events | run s | events/s | x ROSS 8.1.1 | peak RSS MiB | bytes/node |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
m0=""; n0=""
for n in $PHOLD_SIZES; do
    read -r r e s m _ < <(median3 build-bench "$tmp/phold.lua" "$n" "$(phold_dur "$n")")
    awk -v n="$n" -v r="$r" -v e="$e" -v s="$s" -v m="$m" -v ro="$(ross "$n")" -v m0="$m0" -v n0="$n0" 'BEGIN {
        b = (m0 == "") ? "-" : sprintf("%.0f", (m - m0) * 1048576 / (n - n0));
        printf "| %d | %d | %.2f | %.2fM | %.1fx | %.0f | %s |\n", n, e, r, s/1e6, s/1e6/ro, m, b }'
    [ -z "$m0" ] && { m0=$m; n0=$n; }
done
echo
echo "### PHOLD, ROSS's default (lookahead = mean = 1.0: every delay exactly 1), one run"
echo
echo "| nodes | events | run s | events/s | peak RSS MiB |"
echo "|---:|---:|---:|---:|---:|"
for n in $PHOLD_SIZES; do
    read -r r e s m _ < <(one build-bench "$tmp/phold.lua" "$n" "$(phold_dur "$n")" --set phold.lookahead=1.0)
    awk -v n="$n" -v r="$r" -v e="$e" -v s="$s" -v m="$m" 'BEGIN {
        printf "| %d | %d | %.2f | %.2fM | %.0f |\n", n, e, r, s/1e6, m }'
done
echo
echo "### Gossip push-pull, fanout 1, Barabasi-Albert m = 3, lognormal latency (median 50 ms), until all know"
echo
echo "| nodes | runs | topology s | run s (to full coverage) | events | events/s | peak RSS MiB | bytes/node |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
base=$(one build-bench "$tmp/gossip.lua" 1000 1000 | awk '{print $4}')
for n in $GOSSIP_SIZES; do
    if [ "$n" -ge 10000000 ]; then runs=1; line=$(one build-bench "$tmp/gossip.lua" "$n" 1000)
    else runs=3; line=$(median3 build-bench "$tmp/gossip.lua" "$n" 1000); fi
    read -r r e s m t <<< "$line"
    awk -v n="$n" -v k="$runs" -v r="$r" -v e="$e" -v s="$s" -v m="$m" -v t="$t" -v m0="$base" 'BEGIN {
        printf "| %d | %d | %.2f | %.2f | %d | %.2fM | %.0f | %.0f |\n", n, k, t, r, e, s/1e6, m, (m-m0)*1048576/(n-1000) }'
done
echo
echo "### Credit: Barabasi-Albert m = 3, 365 days, demurrage + dividends + controller (scripts/bench/credit.lua), median of 3"
echo
echo "| members | days | trades | run s | trades/s | events/s | peak RSS MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
cdays=365; [ "$MODE" = quick ] && cdays=30
for i in 1 2 3; do
    line=$(one build-bench "$tmp/credit.lua" 100000 "$cdays")
    echo "$line $(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "trades") c = i} NR == 2 {print $c}' "$tmp/out/summary.csv")"
done | sort -k3 -g | sed -n 2p | while read -r r e s m _ tr; do
    awk -v d="$cdays" -v r="$r" -v e="$e" -v s="$s" -v m="$m" -v tr="$tr" 'BEGIN {
        printf "| 100000 | %d | %d | %.1f | %.2fM | %.2fM | %.0f |\n", d, tr, r, tr/r/1e6, s/1e6, m }'
done
echo
echo "### Flow: 100,000 places, 2 resources, geometric graph (scripts/bench/flow.lua), one run each"
echo
echo "| warm re-solve s | ours cold s | LEMON cold s | warm / LEMON cold | peak RSS MiB |"
echo "|---:|---:|---:|---:|---:|"
r3=$(one build-bench "$tmp/flow.lua" 100000 3 | awk '{print $1}')
l6=$(one build-bench "$tmp/flow.lua" 100000 6 --set 'flow.dump="i"')
r6=$(echo "$l6" | awk '{print $1}'); fm=$(echo "$l6" | awk '{print $4}')
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Isolvers solvers/*.c scripts/bench/ns_bench.c -lglpk -lm -o "$tmp/ns_bench"
ours=$("$tmp/ns_bench" "$tmp/out/i-3-food.min" ns | awk '{for (i = 1; i < NF; i++) if ($i == "solve_s") print $(i + 1)}')
lemon=nan
if [ -f /usr/include/lemon/network_simplex.h ] && g++ -O2 scripts/bench/lemon_ns.cpp -o "$tmp/lemon_ns" 2>/dev/null; then
    lemon=$({ "$tmp/lemon_ns" "$tmp/out/i-3-food.min" ns || true; } |
            awk '/status optimal/ {for (i = 1; i < NF; i++) if ($i == "solve_s") print $(i + 1)}')
    lemon=${lemon:-nan}
fi
awk -v a="$r3" -v b="$r6" -v o="$ours" -v l="$lemon" -v m="$fm" 'BEGIN {
    w = (b - a) / 6; printf "| %.2f | %.2f | %s | %s | %.0f |\n", w, o, l, (l == "nan") ? "-" : sprintf("%.3f", w / l), m }'
echo
echo "### Immune: scenarios/immune_outbreak.lua (2% bad, 30% sentinels, panels of 3 of 5), one run each"
echo
echo "| nodes | simulated s | events | run s | events/s | peak RSS MiB | bad isolated | mean time to isolation s |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
if [ "$MODE" = quick ]; then IMMUNE_RUNS="100000:120"; else IMMUNE_RUNS="100000:600 1000000:300"; fi
for nd in $IMMUNE_RUNS; do
    n=${nd%%:*}; d=${nd#*:}
    line=$(one build-bench "$tmp/immune_outbreak.lua" "$n" "$d")
    det=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR == 2 {print $c["detection_rate"], $c["mean_time_to_isolation"]}' "$tmp/out/summary.csv")
    echo "$line $det" | awk -v n="$n" -v d="$d" '{
        printf "| %d | %d | %.1fM | %.1f | %.2fM | %.0f | %.1f%% | %.0f |\n", n, d, $2/1e6, $1, $3/1e6, $4, 100*$6, $7 }'
done
if [ "$MODE" != quick ] && command -v mpirun >/dev/null; then
    echo
    echo "### Ranks: PHOLD 1,000,000 LPs, lookahead 0.1, 20 s, make MPI=1 (scripts/bench/phold.lua), one run each"
    echo
    echo "| ranks | run s | events/s | speed-up |"
    echo "|---:|---:|---:|---:|"
    make --no-print-directory MPI=1 build-mpi/mycosim OPT="$OPT_RELEASE" >/dev/null
    r1=""
    for np in 1 2; do
        line=$(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np "$np" build-mpi/mycosim run \
            "$tmp/phold.lua" --quiet --no-plot --stats --out "$tmp/mpi" --set topology.n=1000000 \
            --set scenario.duration=20 2>&1 | awk '/^run/ {print $2, $4}')
        r=${line%% *}; [ -z "$r1" ] && r1=$r
        echo "$line" | awk -v np="$np" -v r1="$r1" '{ printf "| %d | %.2f | %.2fM | %.2fx |\n", np, $1, $2/1e6, r1/$1 }'
    done
fi
echo
echo "### Event queues on the same engine (events/s; PHOLD median of 3, gossip one run)"
echo
echo "| workload | nodes | radix buckets (default) | 4-ary heap | binary heap | calendar | radix / binary |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for n in $QUEUE_SIZES; do
    for w in phold gossip; do
        row=""
        for b in build-bench build-bench-heap4 build-bench-heap2 build-bench-cal; do
            if [ "$w" = phold ]; then line=$(median3 "$b" "$tmp/phold.lua" "$n" "$(phold_dur "$n")")
            else line=$(one "$b" "$tmp/gossip.lua" "$n" 1000); fi
            row="$row $(echo "$line" | awk '{print $3}')"
        done
        echo "$row" | awk -v w="$w" -v n="$n" '{
            printf "| %s | %d | %.2fM | %.2fM | %.2fM | %.2fM | %.2fx |\n", w, n, $1/1e6, $2/1e6, $3/1e6, $4/1e6, $1/$3 }'
    done
done
} | tee "$out"

if [ "$MODE" != quick ]; then
    {
        sed -n '1,/^<!-- bench:start -->$/p' doc/performance.md
        echo
        echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
             "$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}');" \
             "$(date -u +%Y-%m-%d); commit $(git rev-parse --short HEAD); built with $OPT_RELEASE."
        echo
        cat "$out"
        echo
        sed -n '/^<!-- bench:end -->$/,$p' doc/performance.md
    } > "$tmp/perf.md"
    mv "$tmp/perf.md" doc/performance.md
    echo "bench: doc/performance.md rewritten"
fi
