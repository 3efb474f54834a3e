-- expect: 21_every_zero.lua:5: every: interval must be > 0, got 0
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
every(0, function(sim) end)
