-- expect: 59_latency_too_large.lua:5: links.latency.value: must be in (0, 1e+09], got 9.3e+09
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
links { latency = { dist = "constant", value = 9.3e9 } }
