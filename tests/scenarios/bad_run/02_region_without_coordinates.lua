-- expect: 02_region_without_coordinates.lua:5: fail: regions need a topology with coordinates
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, fail { target = "region", region = { x = 0.5, y = 0.5, r = 0.2 } })
