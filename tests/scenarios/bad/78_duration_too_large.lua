-- expect: 78_duration_too_large.lua:2: scenario.duration: must be in (0, 1e+09], got 1e+10
scenario { name = "bad", duration = 1e10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
