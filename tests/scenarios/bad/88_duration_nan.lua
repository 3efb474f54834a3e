-- expect: 88_duration_nan.lua:2: scenario.duration: expected a finite number, got nan
scenario { name = "bad", duration = 0/0 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
