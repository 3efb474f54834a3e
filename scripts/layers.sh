#!/usr/bin/env bash
# layers.sh -- fail if files of sim/ call each other in a circle.
#
#   scripts/layers.sh [OBJECT.o ...]     default: build/sim/*.o
#
# The core is built in layers, main at the top and the event heap, base and
# rng at the bottom (doc/architecture.md): a file may call the files below
# it, never one above, and a lower layer that must tell a higher one
# something takes a callback (scen_hooks, evq_set_near). This script checks
# that on the objects, where it cannot be argued with: each object's
# undefined symbols (nm) that another object given here defines are its
# calls (or data references) into that file. If any two or more files reach
# each other through such calls, it prints each cycle with the symbols that
# close it and exits 1; otherwise it prints the layers, top to bottom (a
# file's layer is one more than the highest layer it calls).
#
# Objects with the same name are one file: pass build variants of a file
# (such as evq.o built with -DEVQ_CALENDAR, `make layers`) to check their
# calls too. Calls into models/ and solvers/ and libraries are not checked.
set -euo pipefail

if [ $# -eq 0 ]; then
    set -- build/sim/*.o
fi
for o in "$@"; do
    if [ ! -f "$o" ]; then
        echo "layers: no object $o (build first: make layers)" >&2
        exit 2
    fi
done

# One line per symbol: "D file symbol" for a definition, "U file symbol" for a use.
for o in "$@"; do
    f=$(basename "$o" .o)
    nm -P "$o" | awk -v f="$f" '
        $2 == "U" { print "U", f, $1; next }
        $2 ~ /^[TDRBCGSVW]$/ { print "D", f, $1 }'
done | awk '
    $1 == "D" { def[$3] = $2; files[$2] = 1; next }
    { use_n++; use_f[use_n] = $2; use_s[use_n] = $3; files[$2] = 1 }
    END {
        n = 0
        for (f in files) { n++; name[n] = f }
        # Sort the names, so that the output does not depend on awk.
        for (i = 2; i <= n; i++) {
            x = name[i]
            for (j = i - 1; j >= 1 && name[j] > x; j--) { name[j + 1] = name[j] }
            name[j + 1] = x
        }
        for (i = 1; i <= n; i++) { idx[name[i]] = i }
        calls = 0
        for (k = 1; k <= use_n; k++) {
            s = use_s[k]
            if (!(s in def)) { continue }
            a = idx[use_f[k]]; b = idx[def[s]]
            if (a == b) { continue }
            if (!((a, b) in edge)) { calls++; edge[a, b] = 1; why[a, b] = s }
            else if (index(" " why[a, b] ",", " " s ",") == 0 && length(why[a, b]) < 60) {
                why[a, b] = why[a, b] ", " s
            }
        }
        # reach[a, b]: b can be reached from a (Warshall).
        for (a = 1; a <= n; a++) { for (b = 1; b <= n; b++) { reach[a, b] = ((a, b) in edge) } }
        for (k = 1; k <= n; k++) {
            for (a = 1; a <= n; a++) {
                if (!reach[a, k]) { continue }
                for (b = 1; b <= n; b++) { if (reach[k, b]) { reach[a, b] = 1 } }
            }
        }
        # Each strongly connected component of two or more files is a cycle; print it
        # with, for each of its files not yet on a printed cycle, a shortest cycle
        # through that file (breadth first inside the component).
        bad = 0
        for (a = 1; a <= n; a++) {
            if (!reach[a, a] || (a in done)) { continue }
            members = ""
            for (b = 1; b <= n; b++) {
                if (b == a || (reach[a, b] && reach[b, a])) {
                    done[b] = 1
                    members = members " " name[b] ".c"
                }
            }
            print "layers: these files of sim/ call each other in a circle:" members
            bad = 1
            for (s = a; s <= n; s++) {
                if (!(reach[a, s] && reach[s, a]) || (s in covered)) { continue }
                delete prev; delete seen
                head = 1; tail = 1; queue[1] = s; seen[s] = 1; found = 0
                while (head <= tail && !found) {
                    x = queue[head++]
                    for (y = 1; y <= n; y++) {
                        if (!((x, y) in edge)) { continue }
                        if (y == s) { prev[0] = x; found = 1; break }
                        if (!(y in seen) && reach[y, s]) {
                            seen[y] = 1; prev[y] = x; queue[++tail] = y
                        }
                    }
                }
                m = 0; x = prev[0]
                while (1) { path[++m] = x; covered[x] = 1; if (x == s) { break }; x = prev[x] }
                line = name[s] ".c"
                for (i = m; i >= 1; i--) {
                    to = (i == 1) ? s : path[i - 1]
                    line = line " -> " name[to] ".c (" why[path[i], to] ")"
                }
                print "    " line
            }
        }
        if (bad) {
            print "layers: a lower file must not call a higher one; pass a callback down instead"
            print "        (scen_hooks, evq_set_near) or move the shared function below both."
            exit 1
        }
        # Layers: 0 for a file that calls no other; else 1 + the highest it calls.
        for (pass = 0; pass < n; pass++) {
            for (a = 1; a <= n; a++) {
                l = 0
                for (b = 1; b <= n; b++) {
                    if (((a, b) in edge) && level[b] + 1 > l) { l = level[b] + 1 }
                }
                level[a] = l
            }
        }
        top = 0
        for (a = 1; a <= n; a++) { if (level[a] > top) { top = level[a] } }
        printf "layers: ok, no cycle among %d files of sim/ (%d calls between files); ", n, calls
        printf "top to bottom:\n"
        for (l = top; l >= 0; l--) {
            row = ""
            for (a = 1; a <= n; a++) { if (level[a] == l) { row = row " " name[a] } }
            printf "  %2d %s\n", l, row
        }
    }'
