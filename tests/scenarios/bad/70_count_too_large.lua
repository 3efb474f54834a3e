-- expect: 70_count_too_large.lua:5: fail.count: must be in [1, 4.29497e+09], got 1e+10
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, fail { count = 1e10 })
