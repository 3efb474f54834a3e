-- expect: 57_every_below_1ns.lua:5: every.interval: 1e-12 s is below the 1 ns resolution of simulated time
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
every(1e-12, function(sim) end)
