-- The PHOLD workload of make bench and scripts/bench/ab.sh (ROSS's exponential
-- variant); the scripts set topology.n and scenario.duration.
scenario { name = "bench_phold", seed = 1, duration = 10, sample_every = 1000 }
topology { kind = "complete", n = 1000 }
phold { population = 1, remote = 0.25, mean = 1.0, lookahead = 0.1 }
