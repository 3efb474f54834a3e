-- expect: places_duplicate_edge.lua:3: topology.edges: duplicate edge "Haiti" - "Cuba" (edges[1] and edges[3])
scenario { name = "bad", duration = 10 }
topology { kind = "explicit",
  nodes = { {name = "Cuba", x = -79.52, y = 21.61}, {name = "Haiti", x = -72.29, y = 18.54},
            {name = "Jamaica", x = -77.31, y = 18.11} },
  edges = { {"Cuba", "Haiti"}, {"Haiti", "Jamaica"}, {"Haiti", "Cuba", 712.5} } }
gossip { mode = "push" }
