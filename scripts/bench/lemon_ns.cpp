/*
 * lemon_ns.cpp -- benchmark harness for LEMON's min-cost flow solvers
 * (NetworkSimplex with its default block-search pivot, and CostScaling),
 * the reference our network simplex is measured against. Built only by
 * scripts/bench/bench_mcf.sh (g++, Debian liblemon-dev).
 *
 *     lemon_ns FILE.min ns|cs
 *
 * Prints "<solver> cost <C> solve_s <T>", T = process CPU time of run() only
 * (graph construction and the solver object's setup excluded).
 */
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>

#include <lemon/cost_scaling.h>
#include <lemon/dimacs.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

using namespace lemon;

static double cpu_now()
{
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::cerr << "usage: lemon_ns FILE.min ns|cs\n";
        return 2;
    }
    typedef SmartDigraph G;
    G g;
    G::ArcMap<long long> lower(g), cap(g), cost(g);
    G::NodeMap<long long> sup(g);
    std::ifstream in(argv[1]);
    readDimacsMin(in, g, lower, cap, cost, sup);
    std::string mode = argv[2];
    double t0, t1;
    long long total;
    bool ok;
    if (mode == "ns") {
        NetworkSimplex<G, long long, long long> ns(g);
        ns.lowerMap(lower).upperMap(cap).costMap(cost).supplyMap(sup);
        t0 = cpu_now();
        ok = ns.run() == NetworkSimplex<G, long long, long long>::OPTIMAL;
        t1 = cpu_now();
        total = ok ? ns.totalCost<long long>() : 0;
    } else {
        CostScaling<G, long long, long long> cs(g);
        cs.lowerMap(lower).upperMap(cap).costMap(cost).supplyMap(sup);
        t0 = cpu_now();
        ok = cs.run() == CostScaling<G, long long, long long>::OPTIMAL;
        t1 = cpu_now();
        total = ok ? cs.totalCost<long long>() : 0;
    }
    std::cout << mode << " cost " << total << " solve_s " << (t1 - t0)
              << " status " << (ok ? "optimal" : "not-optimal") << "\n";
    return ok ? 0 : 1;
}
