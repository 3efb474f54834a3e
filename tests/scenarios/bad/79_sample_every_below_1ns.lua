-- expect: 79_sample_every_below_1ns.lua:2: scenario.sample_every: 1e-12 s is below the 1 ns resolution of simulated time
scenario { name = "bad", duration = 10, sample_every = 1e-12 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
