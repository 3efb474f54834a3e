-- expect: 62_uniform_max_below_min.lua:5: links.latency.max: must be in (0.5, 1e+09], got 0.1
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
links { latency = { dist = "uniform", min = 0.5, max = 0.1 } }
