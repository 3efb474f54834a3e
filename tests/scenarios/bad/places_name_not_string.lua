-- expect: places_name_not_string.lua:3: topology.nodes[2]: the name must be a string, got number
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", {name = 17} } }
gossip { mode = "push" }
