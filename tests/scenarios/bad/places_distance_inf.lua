-- expect: places_distance_inf.lua:3: topology.edges[1].distance: expected a finite number, got inf
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", "Haiti" }, edges = { {"Cuba", "Haiti", 1/0} } }
gossip { mode = "push" }
