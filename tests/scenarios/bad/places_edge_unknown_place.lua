-- expect: places_edge_unknown_place.lua:3: topology.edges[3]: no place named "Cubba" (did you mean "Cuba"?)
scenario { name = "bad", duration = 10 }
topology { kind = "explicit",
  nodes = { {name = "Cuba", x = -79.52, y = 21.61}, {name = "Haiti", x = -72.29, y = 18.54},
            {name = "Jamaica", x = -77.31, y = 18.11} },
  edges = { {"Cuba", "Haiti"}, {"Haiti", "Jamaica"}, {"Jamaica", "Cubba"} } }
gossip { mode = "push" }
