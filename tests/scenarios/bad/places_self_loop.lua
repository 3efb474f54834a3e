-- expect: places_self_loop.lua:3: topology.edges: self loop at "Haiti" (edges[2])
scenario { name = "bad", duration = 10 }
topology { kind = "explicit",
  nodes = { {name = "Cuba", x = -79.52, y = 21.61}, {name = "Haiti", x = -72.29, y = 18.54},
            {name = "Jamaica", x = -77.31, y = 18.11} },
  edges = { {"Cuba", "Haiti"}, {"Haiti", "Haiti"} } }
gossip { mode = "push" }
