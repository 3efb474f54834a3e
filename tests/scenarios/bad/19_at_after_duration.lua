-- expect: 19_at_after_duration.lua:5: at: time 20 is after scenario.duration 10
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(20, heal {})
