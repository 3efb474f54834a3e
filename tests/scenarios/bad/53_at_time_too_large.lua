-- expect: 53_at_time_too_large.lua:5: at.time: must be in [0, 1e+09] seconds, got 1e+10
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1e10, fail { count = 5 })
