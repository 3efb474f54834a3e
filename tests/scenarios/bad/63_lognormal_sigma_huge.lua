-- expect: 63_lognormal_sigma_huge.lua:5: links.latency.sigma: must be in [0, 1000], got 1e+06
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
links { latency = { dist = "lognormal", median = 0.1, sigma = 1e6 } }
