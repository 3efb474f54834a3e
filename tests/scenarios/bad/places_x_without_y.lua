-- expect: places_x_without_y.lua:3: topology.nodes: "Haiti" has x but no y (nodes[2])
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { {"Cuba", -79.52, 21.61}, {name = "Haiti", x = -72.29} } }
gossip { mode = "push" }
