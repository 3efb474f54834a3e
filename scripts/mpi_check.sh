#!/bin/sh
# mpi_check.sh -- the distributed build against one rank (issue 19, first slice).
# Builds `make MPI=1` (build-mpi/), runs scenarios/phold.lua on 1, 2 and 3 ranks
# (oversubscribed on a small machine) and requires byte-identical phold.csv,
# network.csv and events.csv, and summary.csv equal but for wall_s and events_per_s;
# then checks that a model not yet distributed is refused on 2 ranks with one
# line naming it and exit status 2.
set -eu
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
make --no-print-directory MPI=1 build-mpi/mycosim EXTRA_CFLAGS="${EXTRA_CFLAGS:-}" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {   # run NP OUT [args]
    np=$1; out=$2; shift 2
    mpirun -np "$np" build-mpi/mycosim run scenarios/phold.lua --out "$out" --quiet --no-plot \
        --set topology.n=20000 "$@"
}
strip() { cut -d, -f1-5,8- "$1"; }   # summary.csv without wall_s and events_per_s
run 1 "$tmp/p1"
for np in 2 3; do
    run "$np" "$tmp/p$np"
    for f in phold.csv network.csv events.csv; do
        cmp "$tmp/p1/$f" "$tmp/p$np/$f" || { echo "mpi: $f differs between 1 and $np ranks"; exit 1; }
    done
    strip "$tmp/p1/summary.csv" > "$tmp/s1"
    strip "$tmp/p$np/summary.csv" > "$tmp/s$np"
    cmp "$tmp/s1" "$tmp/s$np" || { echo "mpi: summary.csv differs between 1 and $np ranks"; exit 1; }
    ls "$tmp/p$np" | grep -q '^\.\|tmp' && { echo "mpi: stray files in the output"; exit 1; } || true
done
set +e
mpirun -np 2 build-mpi/mycosim run scenarios/quickstart.lua --out "$tmp/q" --quiet --no-plot 2>"$tmp/err"
st=$?
set -e
lines=$(grep -c 'mycosim:' "$tmp/err" || true)
if [ "$st" -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -q 'gossip: runs on one rank only' "$tmp/err"; then
    echo "mpi: quickstart on 2 ranks: exit $st, stderr:"; cat "$tmp/err"; exit 1
fi
echo "mpi: ok (phold on 1, 2, 3 ranks byte-identical; gossip refused on 2 ranks)"
