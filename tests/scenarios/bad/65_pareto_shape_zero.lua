-- expect: 65_pareto_shape_zero.lua:5: links.latency.shape: must be in (0, 1e+300], got 0
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
links { latency = { dist = "pareto", scale = 0.1, shape = 0 } }
