-- expect: 16_missing_median.lua:4: links.latency.median: required
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
links { latency = { dist = "lognormal", sigma = 0.5 } }
gossip { mode = "push" }
