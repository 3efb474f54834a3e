-- The gossip workload of make bench and scripts/bench/ab.sh: push-pull until
-- every node knows; the scripts set topology.n and scenario.duration.
scenario { name = "bench_gossip", seed = 1, duration = 1000, sample_every = 1000 }
topology { kind = "barabasi_albert", n = 1000, m = 3 }
links { latency = { dist = "lognormal", median = 0.05, sigma = 0.5 } }
gossip { mode = "push-pull", fanout = 1, period = 1, stop = "never" }
every(0.25, function(sim)
  if sim.metric("gossip.informed") >= sim.metric("network.alive") then stop {} end
end)
