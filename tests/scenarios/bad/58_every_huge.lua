-- expect: 58_every_huge.lua:5: every.interval: expected a finite number, got inf
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
every(math.huge, function(sim) end)
