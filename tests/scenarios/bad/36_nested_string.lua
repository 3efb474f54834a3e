-- expect: 36_nested_string.lua:4: links.latency.median: expected number, got string
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
links { latency = { dist = "lognormal", median = "fast", sigma = 0.5 } }
gossip { mode = "push" }
