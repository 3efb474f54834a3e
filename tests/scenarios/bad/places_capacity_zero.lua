-- expect: places_capacity_zero.lua:3: topology.edges: capacity of "Cuba" - "Haiti" must be finite and > 0
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", "Haiti" }, edges = { {"Cuba", "Haiti", 712.5, 0} } }
gossip { mode = "push" }
