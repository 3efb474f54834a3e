-- expect: names_without_places.lua:5: recover.nodes: "Cuba": node names need topology{kind = "explicit"} before this line
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 12 }
gossip { mode = "push" }
at(1, recover { nodes = { 3, "Cuba" } })
