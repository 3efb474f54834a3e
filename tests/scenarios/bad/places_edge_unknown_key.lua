-- expect: places_edge_unknown_key.lua:3: topology.edges[1].capcity: unknown key (did you mean 'capacity'?)
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", "Haiti" }, edges = { {"Cuba", "Haiti", capcity = 250} } }
gossip { mode = "push" }
