-- expect: places_name_empty.lua:3: topology.nodes: every place needs a name, nodes[3] has none
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", "Haiti", {""} } }
gossip { mode = "push" }
