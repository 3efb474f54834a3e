-- expect: 15_unknown_dist.lua:4: links.latency.dist: unknown value 'gauss'
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
links { latency = { dist = "gauss", mean = 1 } }
gossip { mode = "push" }
