-- expect: places_no_nodes.lua:3: topology.nodes: required; list the places
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", edges = {} }
gossip { mode = "push" }
