-- expect: 55_at_time_huge.lua:5: at.time: expected a finite number, got inf
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(math.huge, heal {})
