-- expect: places_edge_one_end.lua:3: topology.edges[1]: an edge names its two places first
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", "Haiti" }, edges = { {"Cuba", distance = 713} } }
gossip { mode = "push" }
