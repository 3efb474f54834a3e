-- expect: places_node_unknown_key.lua:3: topology.nodes[2].nmae: unknown key (did you mean 'name'?)
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", {nmae = "Haiti"} } }
gossip { mode = "push" }
