-- expect: 64_per_distance_nan.lua:5: links.latency.per_distance: expected a finite number, got nan
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
links { latency = { per_distance = 0/0, base = 0.01 } }
