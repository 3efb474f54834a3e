-- expect: places_x_nan.lua:3: topology.nodes[2].x: expected a finite number, got nan
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { {"Cuba", -79.52, 21.61}, {"Haiti", 0/0, 18.54} } }
gossip { mode = "push" }
