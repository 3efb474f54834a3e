-- expect: 80_period_below_1ns.lua:4: gossip.period: 1e-12 s is below the 1 ns resolution of simulated time
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push", period = 1e-12 }
