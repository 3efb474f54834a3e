-- expect: 04_per_distance_without_coordinates.lua: links.latency: per_distance needs a topology with coordinates
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
links { latency = { per_distance = 0.1, base = 0.01 } }
gossip { mode = "push" }
