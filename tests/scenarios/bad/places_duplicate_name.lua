-- expect: places_duplicate_name.lua:3: topology.nodes: duplicate name "Cuba" (nodes[1] and nodes[4])
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", "Haiti", "Jamaica", {name = "Cuba"} } }
gossip { mode = "push" }
