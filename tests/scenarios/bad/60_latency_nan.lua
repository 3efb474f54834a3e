-- expect: 60_latency_nan.lua:5: links.latency.value: expected a finite number, got nan
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
links { latency = { dist = "constant", value = 0/0 } }
