-- expect: 54_at_time_nan.lua:5: at.time: expected a finite number, got nan
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(0/0, fail { count = 5 })
