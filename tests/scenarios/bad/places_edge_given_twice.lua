-- expect: places_edge_given_twice.lua:3: topology.edges[1].distance: given twice, by key and as [3]
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", "Haiti" }, edges = { {"Cuba", "Haiti", 712.5, distance = 713} } }
gossip { mode = "push" }
