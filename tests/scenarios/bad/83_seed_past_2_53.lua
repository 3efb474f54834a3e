-- expect: 83_seed_past_2_53.lua:2: scenario.seed: must be in [0, 9007199254740992], got 1.15292e+18
scenario { name = "bad", duration = 10, seed = 2^60 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
