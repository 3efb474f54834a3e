-- expect: 86_radius_nan.lua:3: topology.radius: expected a finite number, got nan
scenario { name = "bad", duration = 10 }
topology { kind = "geometric", n = 100, radius = 0/0 }
gossip { mode = "push" }
