-- expect: 51_dist_unknown_key.lua:4: links.latency.medain: unknown key (did you mean 'median'?)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
links { latency = { dist = "lognormal", medain = 0.05, sigma = 0.5 } }
gossip { mode = "push" }
