-- expect: 61_latency_huge.lua:5: links.latency.mean: expected a finite number, got inf
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
links { latency = { dist = "exponential", mean = math.huge } }
