-- expect: 67_region_nan.lua:5: fail.region.x: expected a finite number, got nan
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, fail { target = "region", region = { x = 0/0, y = 0.5, r = 0.1 } })
