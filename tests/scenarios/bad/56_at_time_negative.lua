-- expect: 56_at_time_negative.lua:5: at.time: must be in [0, 1e+09] seconds, got -1
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(-1, heal {})
