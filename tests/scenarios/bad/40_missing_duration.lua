-- expect: 40_missing_duration.lua:2: scenario.duration: required
scenario { name = "x" }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
