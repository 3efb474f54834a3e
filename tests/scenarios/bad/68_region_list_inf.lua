-- expect: 68_region_list_inf.lua:5: fail.region.y: expected a finite number, got inf
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, fail { target = "region", region = { 0.5, math.huge, 0.1 } })
