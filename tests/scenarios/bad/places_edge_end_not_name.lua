-- expect: places_edge_end_not_name.lua:3: topology.edges[1]: its second end must be a string, got number
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", "Haiti" }, edges = { {"Cuba", 1} } }
gossip { mode = "push" }
