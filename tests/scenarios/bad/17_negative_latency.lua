-- expect: 17_negative_latency.lua:4: links.latency.value: must be in (0, 1e+09], got -0.1
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
links { latency = { dist = "constant", value = -0.1 } }
gossip { mode = "push" }
