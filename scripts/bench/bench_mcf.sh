#!/usr/bin/env bash
# bench_mcf.sh -- min-cost flow benchmark: our network simplex vs LEMON's
# NetworkSimplex (block search) and CostScaling, and GLPK okalg (8k only).
#
#   bash scripts/bench/bench_mcf.sh [SIZES]      default SIZES="8192 65536 262144"
#   MCF_REPS=3 (median of REPS runs), MCF_FAMILIES="netgen-sqrt netgen-n16 transport grid"
#
# Builds scripts/gen_mcf.c, scripts/bench/ns_bench.c (solvers/*.c compiled in)
# and scripts/bench/lemon_ns.cpp (g++, liblemon-dev, installed with apt-get if
# missing) into $OUT, writes instances there as DIMACS files, and prints a
# Markdown table of median solve CPU seconds and ratios to LEMON NS.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${MCF_BENCH_DIR:-/tmp/mycosim-mcf-bench}
REPS=${MCF_REPS:-3}
SIZES=${1:-"8192 65536 262144"}
FAMILIES=${MCF_FAMILIES:-"netgen-sqrt netgen-n16 transport grid"}
mkdir -p "$OUT"

if [ ! -f /usr/include/lemon/network_simplex.h ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get install -y liblemon-dev >/dev/null
fi
CFLAGS="-std=c11 -O2 -g -D_POSIX_C_SOURCE=200809L -Isolvers"
cc $CFLAGS solvers/*.c scripts/gen_mcf.c -lglpk -lm -o "$OUT/gen_mcf"
cc $CFLAGS solvers/*.c scripts/bench/ns_bench.c -lglpk -lm -o "$OUT/ns_bench"
g++ -O2 scripts/bench/lemon_ns.cpp -o "$OUT/lemon_ns"

# "median_solve_s cost" over REPS runs of a command
median() {
    local t=() line cost=""
    for _ in $(seq "$REPS"); do
        line=$("$@")
        t+=("$(echo "$line" | awk '{for (i = 1; i < NF; i++) if ($i == "solve_s") print $(i + 1)}')")
        cost=$(echo "$line" | awk '{print $3}')
    done
    echo "$(printf '%s\n' "${t[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}') $cost"
}

# "warm_s cold/warm" of one warm re-solve (ns_bench modes warm-any, warm)
warm_ratio() {
    local wl
    wl=$("$OUT/ns_bench" "$1" "$2")
    echo "$wl" | grep -q "same 1" || echo "WARM MISMATCH on $1 ($2): $wl" >&2
    echo "$wl" | awk '{printf "%s %.1f\n", $5, ($5 > 0) ? $9 / $5 : 0}'
}

echo "machine: $(lscpu | grep 'Model name' | sed 's/.*: *//'), nproc $(nproc), $(date -u +%Y-%m-%d)"
echo
echo "| family | nodes | arcs | ours NS s | LEMON NS s | LEMON CS s | GLPK okalg s | ours/LEMON NS | ours/LEMON CS | warm s | cold/warm | warm s, sources/sinks | cold/warm, sources/sinks |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
    for fam in $FAMILIES; do
        f="$OUT/$fam-$n.min"
        [ -s "$f" ] || "$OUT/gen_mcf" "$fam" "$n" 1 > "$f"
        arcs=$(awk '$1 == "p" {print $4; exit}' "$f")
        read -r ours c1 < <(median "$OUT/ns_bench" "$f" ns)
        read -r lns c2 < <(median "$OUT/lemon_ns" "$f" ns)
        read -r lcs c3 < <(median "$OUT/lemon_ns" "$f" cs)
        glpk="-"
        if [ "$n" -le 8192 ]; then
            glpk=$("$OUT/ns_bench" "$f" okalg | awk '{print $5}')
        fi
        [ "$c1" = "$c2" ] && [ "$c1" = "$c3" ] || echo "COST MISMATCH on $f: ours $c1 LEMON $c2 $c3" >&2
        read -r warm r3 < <(warm_ratio "$f" warm-any)
        read -r warm_ss r4 < <(warm_ratio "$f" warm)
        r1=$(awk -v a="$ours" -v b="$lns" 'BEGIN {printf "%.2f", a / b}')
        r2=$(awk -v a="$ours" -v b="$lcs" 'BEGIN {printf "%.2f", a / b}')
        echo "| $fam | $n | $arcs | $ours | $lns | $lcs | $glpk | $r1 | $r2 | $warm | $r3 | $warm_ss | $r4 |"
    done
done
