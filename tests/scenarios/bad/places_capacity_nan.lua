-- expect: places_capacity_nan.lua:3: topology.edges[1].capacity: expected a finite number, got nan
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", "Haiti" }, edges = { {"Cuba", "Haiti", capacity = 0/0} } }
gossip { mode = "push" }
